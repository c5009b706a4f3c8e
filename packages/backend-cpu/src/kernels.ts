/** Every kernel of the accelerated CPU backend. */
import type { KernelSpec } from '@onnx-ts/core';
import conv from './ops/conv.js';
import elementwise from './ops/elementwise.js';
import matmul from './ops/matmul.js';
import normalization from './ops/normalization.js';
import pool from './ops/pool.js';
import tensor from './ops/tensor.js';

export const kernels: readonly KernelSpec<any>[] = [...conv, ...elementwise, ...matmul, ...normalization, ...pool, ...tensor];
