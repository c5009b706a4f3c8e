import type { KernelSpec } from '@onnx-ts/core';

export const kernels: KernelSpec<any>[] = [];
