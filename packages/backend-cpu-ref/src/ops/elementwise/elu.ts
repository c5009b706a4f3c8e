import { attr } from '@onnx-ts/core';
import { floatUnaryWithAttrs } from './common.js';

export default [
  floatUnaryWithAttrs('Elu', 1, { alpha: attr.float(1) }, ({ alpha }) => (x) => (x >= 0 ? x : alpha * Math.expm1(x))),
];
