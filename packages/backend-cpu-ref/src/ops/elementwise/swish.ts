import { attr } from '@onnx-ts/core';
import { floatUnaryWithAttrs } from './common.js';
import { sigmoid } from './math.js';

export default [floatUnaryWithAttrs('Swish', 24, { alpha: attr.float(1) }, ({ alpha }) => (x) => x * sigmoid(alpha * x))];
