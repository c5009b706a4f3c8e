import type { KernelSpec } from '@onnx-ts/core';
import averagePool from './average-pool.js';
import conv from './conv.js';
import convTranspose from './conv-transpose.js';
import globalAveragePool from './global-average-pool.js';
import globalLpPool from './global-lp-pool.js';
import globalMaxPool from './global-max-pool.js';
import lpPool from './lp-pool.js';
import maxPool from './max-pool.js';

export const kernels: KernelSpec<any>[] = [
  ...conv, ...convTranspose,
  ...averagePool, ...maxPool, ...lpPool, ...globalAveragePool, ...globalMaxPool, ...globalLpPool,
];
