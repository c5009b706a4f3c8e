import { attr, defineKernel } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';
import { ML_DOMAIN, float32Tensor, tensorInput } from './common.js';

const OP = 'OneHotEncoder';

/**
 * Appends an axis of length C (the category count) holding a 1 at the category of each element. Numbers are
 * truncated to integers and looked up in cats_int64s, strings in cats_strings. An unknown category gives all zeros,
 * or an error when `zeros` is 0.
 */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: ['string', 'int64', 'int32', 'float32', 'float64'],
    attrs: { cats_int64s: attr.ints([]), cats_strings: attr.strings([]), zeros: attr.int(1) },
    run: ([input], { cats_int64s, cats_strings, zeros }) => {
      const x = tensorInput(OP, input);
      const byString = x.type === 'string';
      const cats = byString ? cats_strings : cats_int64s;
      if (cats.length === 0) throw new Error(`${OP}: X is ${x.type} but ${byString ? 'cats_strings' : 'cats_int64s'} is empty`);
      const position = new Map<string | number, number>();
      cats.forEach((c, i) => { if (!position.has(c)) position.set(c, i); });
      const keys: (string | number)[] = byString ? (x.data as string[]) : Array.from(toNumbers(x), Math.trunc);
      const count = cats.length;
      const out = new Float32Array(x.size * count);
      keys.forEach((k, i) => {
        const at = position.get(k);
        if (at !== undefined) out[i * count + at] = 1;
        else if (!zeros) throw new Error(`${OP}: element ${i} (${String(k)}) is not a known category and zeros is 0`);
      });
      return [float32Tensor(out, [...x.dims, count])];
    },
  }),
];
