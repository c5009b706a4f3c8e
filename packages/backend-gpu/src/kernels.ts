/** Every kernel of the GPU backend, gathered from its op families. */
import type { KernelSpec } from '@onnx-ts/core';
import { binaryKernels } from './ops/elementwise/binary.js';
import { unaryKernels } from './ops/elementwise/unary.js';
import { metadataKernels } from './ops/tensor/metadata.js';

export const kernels: readonly KernelSpec<any>[] = [...unaryKernels, ...binaryKernels, ...metadataKernels];
