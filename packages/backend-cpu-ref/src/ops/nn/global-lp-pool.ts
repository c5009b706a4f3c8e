import { FLOAT_DTYPES, attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../tensor/args.js';
import { globalPool } from './pooling.js';

/** GlobalLpPool: the p-norm (Σ|x|^p)^(1/p) of each channel plane. `p` was a float before opset 2. */
export default [
  defineKernel({
    op: 'GlobalLpPool', since: 1, dtypes: FLOAT_DTYPES,
    attrs: { p: attr.float(2) },
    run: (inputs, { p }) => {
      if (!(p > 0)) throw new Error(`GlobalLpPool: p must be positive, got ${p}`);
      return [
        globalPool('GlobalLpPool', tensorInput('GlobalLpPool', inputs, 0, 'X'), (values, start, size) => {
          let sum = 0;
          for (let i = start; i < start + size; i++) sum += Math.abs(values[i]) ** p;
          return sum ** (1 / p);
        }),
      ];
    },
  }),
];
