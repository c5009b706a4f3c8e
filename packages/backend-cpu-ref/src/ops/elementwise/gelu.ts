import { attr, defineKernel } from '@onnx-ts/core';
import { mapUnary } from '../../util/elementwise.js';
import { FLOATS, tensorInputs } from './common.js';
import { erf } from './math.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export default [
  defineKernel({
    op: 'Gelu', since: 20, dtypes: FLOATS,
    attrs: { approximate: attr.string('none') },
    run: (inputs, { approximate }) => {
      const [x] = tensorInputs('Gelu', inputs, 1);
      if (approximate === 'none') return [mapUnary('Gelu', x, { float: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)) })];
      if (approximate === 'tanh') {
        return [mapUnary('Gelu', x, {
          float: (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))),
        })];
      }
      throw new Error(`Gelu: approximate must be 'none' or 'tanh', got '${approximate}'`);
    },
  }),
];
