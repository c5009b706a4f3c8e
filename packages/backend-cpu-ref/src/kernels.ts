/** Every kernel of the reference backend, gathered from its op families. */
import type { KernelSpec } from '@onnx-ts/core';
import { kernels as elementwise } from './ops/elementwise/index.js';
import { kernels as ml } from './ops/ml/index.js';
import { kernels as nn } from './ops/nn/index.js';
import { kernels as recurrent } from './ops/recurrent/index.js';
import { kernels as reduce } from './ops/reduce/index.js';
import { kernels as sequence } from './ops/sequence/index.js';
import { kernels as tensor } from './ops/tensor/index.js';
import { kernels as training } from './ops/training/index.js';
import { kernels as vision } from './ops/vision/index.js';

export const kernels: readonly KernelSpec<any>[] = [
  ...elementwise, ...tensor, ...reduce, ...nn, ...recurrent, ...vision, ...sequence, ...ml, ...training,
];
