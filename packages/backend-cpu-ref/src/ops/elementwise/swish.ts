import { attr, defineKernel } from '@onnx-ts/core';
import { mapUnary } from '../../util/elementwise.js';
import { FLOATS, tensorInputs } from './common.js';
import { sigmoid } from './math.js';

export default [
  defineKernel({
    op: 'Swish', since: 24, dtypes: FLOATS,
    attrs: { alpha: attr.float(1) },
    run: (inputs, { alpha }) => [
      mapUnary('Swish', tensorInputs('Swish', inputs, 1)[0], { float: (x) => x * sigmoid(alpha * x) }),
    ],
  }),
];
