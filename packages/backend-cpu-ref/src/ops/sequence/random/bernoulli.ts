import { FLOAT_DTYPES, INT_DTYPES, attr, defineKernel } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../../util/elementwise.js';
import { tensorInput } from '../../tensor/args.js';
import { dtypeAttribute } from '../inputs.js';
import { Random } from './prng.js';

/** Bernoulli: 1 with probability p for each input p in [0, 1]; seeded runs repeat, values differ from numpy's. */
export default [
  defineKernel({
    op: 'Bernoulli', since: 15, dtypes: FLOAT_DTYPES,
    attrs: { dtype: attr.int(), seed: attr.float() },
    run: (inputs, { dtype, seed }, ctx) => {
      const input = tensorInput('Bernoulli', inputs, 0, 'input');
      const type = dtype === undefined ? input.type : dtypeAttribute('Bernoulli', dtype, 'dtype', [...FLOAT_DTYPES, ...INT_DTYPES, 'bool']);
      ctx.checkAllocation(type, input.size);
      const p = toNumbers(input);
      const random = new Random(seed);
      const out = new Float64Array(p.length);
      for (let i = 0; i < p.length; i++) {
        if (!(p[i] >= 0 && p[i] <= 1)) throw new Error(`Bernoulli: probability ${p[i]} at element ${i} is outside [0, 1]`);
        out[i] = random.uniform() < p[i] ? 1 : 0;
      }
      return [fromNumbers(type, out, input.dims)];
    },
  }),
];
