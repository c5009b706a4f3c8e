import { attr } from '@onnx-ts/core';
import { floatUnaryWithAttrs } from './common.js';

export default [
  floatUnaryWithAttrs('Celu', 12, { alpha: attr.float(1) }, ({ alpha }) => {
    if (alpha === 0) throw new Error('Celu: alpha must be non-zero, got 0');
    return (x) => Math.max(0, x) + Math.min(0, alpha * Math.expm1(x / alpha));
  }, ['float32']),
];
