import { attr } from '@onnx-ts/core';
import { floatUnaryWithAttrs } from './common.js';

export default [floatUnaryWithAttrs('ThresholdedRelu', 10, { alpha: attr.float(1) }, ({ alpha }) => (x) => (x > alpha ? x : 0))];
