import type { KernelSpec } from '@onnx-ts/core';
import integerConv from './integer-conv.js';
import integerMatmul from './integer-matmul.js';
import qdq from './qdq.js';
import qdqLayout from './qdq-layout.js';
import quantize from './quantize.js';

/** The kernels this backend adds; backend-cpu's float32 kernels follow them in the backend's list. */
export const armKernels: KernelSpec<any>[] = [...integerMatmul, ...integerConv, ...quantize, ...qdq, ...qdqLayout];
