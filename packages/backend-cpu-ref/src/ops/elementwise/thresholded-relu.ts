import { attr, defineKernel } from '@onnx-ts/core';
import { mapUnary } from '../../util/elementwise.js';
import { FLOATS, tensorInputs } from './common.js';

export default [
  defineKernel({
    op: 'ThresholdedRelu', since: 10, dtypes: FLOATS,
    attrs: { alpha: attr.float(1) },
    run: (inputs, { alpha }) => [
      mapUnary('ThresholdedRelu', tensorInputs('ThresholdedRelu', inputs, 1)[0], { float: (x) => (x > alpha ? x : 0) }),
    ],
  }),
];
