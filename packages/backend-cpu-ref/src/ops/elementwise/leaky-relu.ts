import { attr } from '@onnx-ts/core';
import { floatUnaryWithAttrs } from './common.js';

export default [floatUnaryWithAttrs('LeakyRelu', 1, { alpha: attr.float(0.01) }, ({ alpha }) => (x) => (x < 0 ? alpha * x : x))];
