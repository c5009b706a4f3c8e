import { attr } from '@onnx-ts/core';
import { floatUnaryWithAttrs } from './common.js';
import { erf } from './math.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export default [
  floatUnaryWithAttrs('Gelu', 20, { approximate: attr.string('none') }, ({ approximate }) => {
    if (approximate === 'none') return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
    if (approximate === 'tanh') return (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    throw new Error(`Gelu: approximate must be 'none' or 'tanh', got '${approximate}'`);
  }),
];
