import { attr, defineKernel } from '@onnx-ts/core';
import { mapUnary } from '../../util/elementwise.js';
import { FLOATS, tensorInputs } from './common.js';

export default [
  defineKernel({
    op: 'LeakyRelu', since: 1, dtypes: FLOATS,
    attrs: { alpha: attr.float(0.01) },
    run: (inputs, { alpha }) => [
      mapUnary('LeakyRelu', tensorInputs('LeakyRelu', inputs, 1)[0], { float: (x) => (x < 0 ? alpha * x : x) }),
    ],
  }),
];
