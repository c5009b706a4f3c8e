import { attr, defineKernel } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';
import { FEATURE_DTYPES, ML_DOMAIN, float32Tensor, tensorInput } from './common.js';

const OP = 'Normalizer';

/** The divisor of one row: its max (MAX), the sum of |x| (L1) or the Euclidean norm (L2). */
function divisor(norm: string, v: Float64Array, start: number, n: number): number {
  let d = norm === 'MAX' ? -Infinity : 0;
  for (let j = start; j < start + n; j++) {
    if (norm === 'MAX') d = Math.max(d, v[j]);
    else if (norm === 'L1') d += Math.abs(v[j]);
    else d += v[j] * v[j];
  }
  return norm === 'L2' ? Math.sqrt(d) : d;
}

/** Divides each row (along the last axis) by its norm; a row whose divisor is zero is left as it is. */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: FEATURE_DTYPES,
    attrs: { norm: attr.string('MAX') },
    run: ([input], { norm }) => {
      const x = tensorInput(OP, input);
      if (norm !== 'MAX' && norm !== 'L1' && norm !== 'L2') throw new Error(`${OP}: norm '${norm}' is not MAX, L1 or L2`);
      const values = toNumbers(x);
      const cols = x.dims.length === 0 ? 1 : x.dims[x.dims.length - 1];
      for (let start = 0; start < values.length; start += cols) {
        const d = divisor(norm, values, start, cols);
        if (d !== 0) for (let j = start; j < start + cols; j++) values[j] /= d;
      }
      return [float32Tensor(values, x.dims)];
    },
  }),
];
