import { FLOAT_DTYPES, defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../tensor/args.js';
import { globalPool } from './pooling.js';

/** GlobalAveragePool: the mean of each channel plane. */
export default [
  defineKernel({
    op: 'GlobalAveragePool', since: 1, dtypes: FLOAT_DTYPES,
    run: (inputs) => [
      globalPool('GlobalAveragePool', tensorInput('GlobalAveragePool', inputs, 0, 'X'), (values, start, size) => {
        let sum = 0;
        for (let i = start; i < start + size; i++) sum += values[i];
        return sum / size;
      }),
    ],
  }),
];
