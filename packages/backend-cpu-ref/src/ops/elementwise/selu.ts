import { attr } from '@onnx-ts/core';
import { floatUnaryWithAttrs } from './common.js';

const attrs = { alpha: attr.float(1.67326319217681884765625), gamma: attr.float(1.05070102214813232421875) };

export default [
  floatUnaryWithAttrs('Selu', 1, attrs, ({ alpha, gamma }) => (x) => (x > 0 ? gamma * x : gamma * alpha * Math.expm1(x))),
];
