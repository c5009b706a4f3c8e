import { Tensor, defineKernel, isBigIntType, isEncodedFloat, stridesOf } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';
import { tensorInput } from './args.js';

/** Whether each element is non-zero (NaN counts as non-zero; a string as non-zero when not empty). */
function nonZeroMask(x: Tensor): (i: number) => boolean {
  if (x.type === 'string') {
    const s = x.data as string[];
    return (i) => s[i] !== '';
  }
  if (x.type === 'complex64' || x.type === 'complex128') {
    const c = x.data as Float32Array | Float64Array;
    return (i) => c[2 * i] !== 0 || c[2 * i + 1] !== 0;
  }
  if (isBigIntType(x.type)) {
    const b = x.data as BigInt64Array | BigUint64Array;
    return (i) => b[i] !== 0n;
  }
  const values = isEncodedFloat(x.type) ? toNumbers(x) : (x.data as ArrayLike<number>);
  return (i) => values[i] !== 0;
}

export default [
  defineKernel({
    op: 'NonZero', since: 9,
    run: (inputs) => {
      const x = tensorInput('NonZero', inputs, 0, 'X');
      // A scalar is read as a one-element vector, as numpy's nonzero does.
      const dims = x.dims.length === 0 ? [1] : x.dims;
      const rank = dims.length;
      const strides = stridesOf(dims);
      const isNonZero = nonZeroMask(x);
      const hits: number[] = [];
      for (let i = 0; i < x.size; i++) if (isNonZero(i)) hits.push(i);
      const out = new BigInt64Array(rank * hits.length);
      hits.forEach((flat, n) => {
        for (let k = 0; k < rank; k++) out[k * hits.length + n] = BigInt(Math.floor(flat / strides[k]) % dims[k]);
      });
      return [new Tensor('int64', out, [rank, hits.length])];
    },
  }),
];
