import { attr, defineKernel } from '@onnx-ts/core';
import { mapUnary } from '../../util/elementwise.js';
import { FLOATS, tensorInputs } from './common.js';

export default [
  defineKernel({
    op: 'Selu', since: 1, dtypes: FLOATS,
    attrs: { alpha: attr.float(1.67326319217681884765625), gamma: attr.float(1.05070102214813232421875) },
    run: (inputs, { alpha, gamma }) => [
      mapUnary('Selu', tensorInputs('Selu', inputs, 1)[0], {
        float: (x) => (x > 0 ? gamma * x : gamma * alpha * Math.expm1(x)),
      }),
    ],
  }),
];
