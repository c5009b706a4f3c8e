import { attr, defineKernel } from '@onnx-ts/core';
import { randomOutputType, randomTensor } from './random-tensor.js';

/** RandomNormal: values from N(mean, scale²); seeded runs repeat, values differ from numpy's generator. */
export default [
  defineKernel({
    op: 'RandomNormal', since: 1,
    attrs: { dtype: attr.int(1), mean: attr.float(0), scale: attr.float(1), seed: attr.float(), shape: attr.ints.required() },
    run: (_inputs, { dtype, mean, scale, seed, shape }, ctx) =>
      [randomTensor(randomOutputType('RandomNormal', dtype), shape, { kind: 'normal', mean, scale }, seed, ctx)],
  }),
];
