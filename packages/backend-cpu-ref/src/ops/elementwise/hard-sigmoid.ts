import { attr, defineKernel } from '@onnx-ts/core';
import { mapUnary } from '../../util/elementwise.js';
import { FLOATS, tensorInputs } from './common.js';

export default [
  defineKernel({
    op: 'HardSigmoid', since: 1, dtypes: FLOATS,
    attrs: { alpha: attr.float(0.2), beta: attr.float(0.5) },
    run: (inputs, { alpha, beta }) => [
      mapUnary('HardSigmoid', tensorInputs('HardSigmoid', inputs, 1)[0], {
        float: (x) => Math.max(0, Math.min(1, alpha * x + beta)),
      }),
    ],
  }),
];
