import { attr, defineKernel } from '@onnx-ts/core';
import { mapUnary } from '../../util/elementwise.js';
import { ML_DOMAIN, tensorInput } from './common.js';

/** 1 where X > threshold, else 0 (NaN included), in X's type. */
export default [
  defineKernel({
    op: 'Binarizer', domain: ML_DOMAIN, since: 1,
    dtypes: ['float32', 'float64', 'int64', 'int32'],
    attrs: { threshold: attr.float(0) },
    run: ([x], { threshold }) => [
      mapUnary('Binarizer', tensorInput('Binarizer', x), {
        float: (v) => (v > threshold ? 1 : 0),
        int: (v) => (v > threshold ? 1 : 0),
        // bigint and number compare exactly in JS.
        bigint: (v) => (v > threshold ? 1n : 0n),
      }),
    ],
  }),
];
