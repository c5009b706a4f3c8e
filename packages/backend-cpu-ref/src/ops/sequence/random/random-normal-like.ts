import { attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../../tensor/args.js';
import { randomOutputType, randomTensor } from './random-tensor.js';

/** RandomNormalLike: RandomNormal with the input's shape (and type, unless `dtype` is given). */
export default [
  defineKernel({
    op: 'RandomNormalLike', since: 1,
    attrs: { dtype: attr.int(), mean: attr.float(0), scale: attr.float(1), seed: attr.float() },
    run: (inputs, { dtype, mean, scale, seed }, ctx) => {
      const like = tensorInput('RandomNormalLike', inputs, 0, 'input');
      const type = randomOutputType('RandomNormalLike', dtype, like);
      return [randomTensor(type, like.dims, { kind: 'normal', mean, scale }, seed, ctx)];
    },
  }),
];
