import { FLOAT_DTYPES, defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../tensor/args.js';
import { globalPool } from './pooling.js';

/** GlobalMaxPool: the largest element of each channel plane. */
export default [
  defineKernel({
    op: 'GlobalMaxPool', since: 1, dtypes: FLOAT_DTYPES,
    run: (inputs) => [
      globalPool('GlobalMaxPool', tensorInput('GlobalMaxPool', inputs, 0, 'X'), (values, start, size) => {
        let max = -Infinity;
        for (let i = start; i < start + size; i++) if (values[i] > max || Number.isNaN(values[i])) max = values[i];
        return max;
      }),
    ],
  }),
];
