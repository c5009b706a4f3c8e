import { Tensor, attr, defineKernel } from '@onnx-ts/core';
import { ML_DOMAIN, checkLengths, tensorInput } from './common.js';

const OP = 'CategoryMapper';

/** Maps strings to int64 (default_int64 when absent) or int64 to strings (default_string), by parallel lists. */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: ['string', 'int64'],
    attrs: {
      cats_strings: attr.strings([]),
      cats_int64s: attr.ints([]),
      default_string: attr.string('_Unused'),
      default_int64: attr.int(-1),
    },
    run: ([input], a) => {
      const x = tensorInput(OP, input);
      checkLengths(OP, a.cats_strings.length, { cats_int64s: a.cats_int64s });
      if (x.type === 'string') {
        const toInt = new Map(a.cats_strings.map((s, i) => [s, BigInt(a.cats_int64s[i])]));
        const fallback = BigInt(a.default_int64);
        const out = BigInt64Array.from(x.data as string[], (s) => toInt.get(s) ?? fallback);
        return [new Tensor('int64', out, x.dims)];
      }
      const toString = new Map(a.cats_int64s.map((v, i) => [BigInt(v), a.cats_strings[i]]));
      const out = Array.from(x.data as BigInt64Array, (v) => toString.get(v) ?? a.default_string);
      return [new Tensor('string', out, x.dims)];
    },
  }),
];
