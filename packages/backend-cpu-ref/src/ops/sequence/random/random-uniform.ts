import { attr, defineKernel } from '@onnx-ts/core';
import { randomOutputType, randomTensor } from './random-tensor.js';

/** RandomUniform: values in [low, high); seeded runs repeat, values differ from numpy's generator. */
export default [
  defineKernel({
    op: 'RandomUniform', since: 1,
    attrs: { dtype: attr.int(1), high: attr.float(1), low: attr.float(0), seed: attr.float(), shape: attr.ints.required() },
    run: (_inputs, { dtype, high, low, seed, shape }, ctx) =>
      [randomTensor(randomOutputType('RandomUniform', dtype), shape, { kind: 'uniform', low, high }, seed, ctx)],
  }),
];
