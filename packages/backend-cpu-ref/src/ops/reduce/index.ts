import type { KernelSpec } from '@onnx-ts/core';
import argMax from './arg-max.js';
import argMin from './arg-min.js';
import cumProd from './cum-prod.js';
import cumSum from './cum-sum.js';
import det from './det.js';
import einsum from './einsum.js';
import hardmax from './hardmax.js';
import logSoftmax from './log-softmax.js';
import matMul from './mat-mul.js';
import reduceL1 from './reduce-l1.js';
import reduceL2 from './reduce-l2.js';
import reduceLogSum from './reduce-log-sum.js';
import reduceLogSumExp from './reduce-log-sum-exp.js';
import reduceMax from './reduce-max.js';
import reduceMean from './reduce-mean.js';
import reduceMin from './reduce-min.js';
import reduceProd from './reduce-prod.js';
import reduceSum from './reduce-sum.js';
import reduceSumSquare from './reduce-sum-square.js';
import softmax from './softmax.js';
import topK from './top-k.js';

export const kernels: KernelSpec<any>[] = [
  ...argMax, ...argMin, ...cumProd, ...cumSum, ...det, ...einsum, ...hardmax, ...logSoftmax, ...matMul,
  ...reduceL1, ...reduceL2, ...reduceLogSum, ...reduceLogSumExp, ...reduceMax, ...reduceMean, ...reduceMin,
  ...reduceProd, ...reduceSum, ...reduceSumSquare, ...softmax, ...topK,
];
