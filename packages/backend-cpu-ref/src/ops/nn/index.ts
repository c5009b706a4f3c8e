import type { KernelSpec } from '@onnx-ts/core';
import conv from './conv.js';
import convTranspose from './conv-transpose.js';

export const kernels: KernelSpec<any>[] = [...conv, ...convTranspose];
