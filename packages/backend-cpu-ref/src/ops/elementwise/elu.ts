import { attr, defineKernel } from '@onnx-ts/core';
import { mapUnary } from '../../util/elementwise.js';
import { FLOATS, tensorInputs } from './common.js';

export default [
  defineKernel({
    op: 'Elu', since: 1, dtypes: FLOATS,
    attrs: { alpha: attr.float(1) },
    run: (inputs, { alpha }) => [
      mapUnary('Elu', tensorInputs('Elu', inputs, 1)[0], { float: (x) => (x >= 0 ? x : alpha * Math.expm1(x)) }),
    ],
  }),
];
