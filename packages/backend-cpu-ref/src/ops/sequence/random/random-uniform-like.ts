import { attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../../tensor/args.js';
import { randomOutputType, randomTensor } from './random-tensor.js';

/** RandomUniformLike: RandomUniform with the input's shape (and type, unless `dtype` is given). */
export default [
  defineKernel({
    op: 'RandomUniformLike', since: 1,
    attrs: { dtype: attr.int(), high: attr.float(1), low: attr.float(0), seed: attr.float() },
    run: (inputs, { dtype, high, low, seed }, ctx) => {
      const like = tensorInput('RandomUniformLike', inputs, 0, 'input');
      const type = randomOutputType('RandomUniformLike', dtype, like);
      return [randomTensor(type, like.dims, { kind: 'uniform', low, high }, seed, ctx)];
    },
  }),
];
