import type { KernelSpec } from '@onnx-ts/core';
import averagePool from './average-pool.js';
import batchNormalization from './batch-normalization.js';
import centerCropPad from './center-crop-pad.js';
import col2im from './col2im.js';
import conv from './conv.js';
import convTranspose from './conv-transpose.js';
import deformConv from './deform-conv.js';
import dropout from './dropout.js';
import gemm from './gemm.js';
import globalAveragePool from './global-average-pool.js';
import globalLpPool from './global-lp-pool.js';
import globalMaxPool from './global-max-pool.js';
import groupNormalization from './group-normalization.js';
import instanceNormalization from './instance-normalization.js';
import layerNormalization from './layer-normalization.js';
import lpNormalization from './lp-normalization.js';
import lpPool from './lp-pool.js';
import lrn from './lrn.js';
import maxPool from './max-pool.js';
import maxUnpool from './max-unpool.js';
import meanVarianceNormalization from './mean-variance-normalization.js';
import rmsNormalization from './rms-normalization.js';

export const kernels: KernelSpec<any>[] = [
  ...conv, ...convTranspose, ...deformConv, ...col2im, ...gemm,
  ...averagePool, ...maxPool, ...lpPool, ...globalAveragePool, ...globalMaxPool, ...globalLpPool, ...maxUnpool,
  ...batchNormalization, ...instanceNormalization, ...layerNormalization, ...groupNormalization, ...rmsNormalization,
  ...lrn, ...lpNormalization, ...meanVarianceNormalization,
  ...dropout, ...centerCropPad,
];
