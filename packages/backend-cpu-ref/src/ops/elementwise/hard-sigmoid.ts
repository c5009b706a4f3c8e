import { attr } from '@onnx-ts/core';
import { floatUnaryWithAttrs } from './common.js';

export default [
  floatUnaryWithAttrs('HardSigmoid', 1, { alpha: attr.float(0.2), beta: attr.float(0.5) },
    ({ alpha, beta }) => (x) => Math.max(0, Math.min(1, alpha * x + beta))),
];
