import type { KernelSpec } from '@onnx-ts/core';
import affineGrid from './affine-grid.js';
import convInteger from './conv-integer.js';
import dequantizeLinear from './dequantize-linear.js';
import dynamicQuantizeLinear from './dynamic-quantize-linear.js';
import gridSample from './grid-sample.js';
import matmulInteger from './matmul-integer.js';
import maxRoiPool from './max-roi-pool.js';
import nonMaxSuppression from './non-max-suppression.js';
import qlinearConv from './qlinear-conv.js';
import qlinearMatmul from './qlinear-matmul.js';
import quantizeLinear from './quantize-linear.js';
import resize from './resize.js';
import roiAlign from './roi-align.js';
import upsample from './upsample.js';

export const kernels: KernelSpec<any>[] = [
  ...resize, ...upsample, ...gridSample, ...affineGrid, ...roiAlign, ...maxRoiPool, ...nonMaxSuppression,
  ...quantizeLinear, ...dequantizeLinear, ...dynamicQuantizeLinear,
  ...matmulInteger, ...convInteger, ...qlinearConv, ...qlinearMatmul,
];
