import { FLOAT_DTYPES, attr, defineKernel } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../../util/elementwise.js';
import { optionalTensor, tensorInput } from '../../tensor/args.js';
import { negativeLogLikelihood, readReduction } from './nll.js';

export default [
  defineKernel({
    op: 'NegativeLogLikelihoodLoss', since: 12, dtypes: FLOAT_DTYPES,
    attrs: { ignore_index: attr.int(), reduction: attr.string('mean') },
    run: (inputs, { ignore_index, reduction }) => {
      const op = 'NegativeLogLikelihoodLoss';
      const input = tensorInput(op, inputs, 0, 'input');
      const loss = negativeLogLikelihood(op, {
        logProb: toNumbers(input),
        dims: input.dims,
        target: tensorInput(op, inputs, 1, 'target'),
        weight: optionalTensor(op, inputs, 2, 'weight'),
        reduction: readReduction(op, reduction),
        ignoreIndex: ignore_index,
      });
      return [fromNumbers(input.type, loss.values, loss.dims)];
    },
  }),
];
