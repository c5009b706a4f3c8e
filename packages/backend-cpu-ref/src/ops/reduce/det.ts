/** Det: determinants of the square matrices in the last two axes, by LU decomposition with partial pivoting. */
import { FLOAT_DTYPES, defineKernel, shapeSize, type Tensor } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../util/elementwise.js';
import { requireTensor } from './inputs.js';

/** Determinant of the n×n matrix held row-major in `lu`, which it overwrites. */
function luDeterminant(lu: Float64Array, n: number): number {
  let det = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(lu[r * n + col]) > Math.abs(lu[pivot * n + col])) pivot = r;
    }
    const p = lu[pivot * n + col];
    if (p === 0) return 0;
    if (pivot !== col) {
      for (let c = col; c < n; c++) {
        const t = lu[col * n + c];
        lu[col * n + c] = lu[pivot * n + c];
        lu[pivot * n + c] = t;
      }
      det = -det;
    }
    det *= p;
    for (let r = col + 1; r < n; r++) {
      const f = lu[r * n + col] / p;
      if (f === 0) continue;
      for (let c = col + 1; c < n; c++) lu[r * n + c] -= f * lu[col * n + c];
    }
  }
  return det;
}

function det(x: Tensor): Tensor {
  const rank = x.dims.length;
  if (rank < 2 || x.dims[rank - 1] !== x.dims[rank - 2]) {
    throw new Error(`Det: input must be [..., M, M] (square in its last two axes), got [${x.dims.join(', ')}]`);
  }
  const n = x.dims[rank - 1];
  const batchDims = x.dims.slice(0, -2);
  const count = shapeSize(batchDims);
  const values = toNumbers(x);
  const lu = new Float64Array(n * n);
  const out = new Float64Array(count);
  for (let b = 0; b < count; b++) {
    lu.set(values.subarray(b * n * n, (b + 1) * n * n));
    out[b] = luDeterminant(lu, n);
  }
  return fromNumbers(x.type, out, batchDims);
}

export default [defineKernel({ op: 'Det', since: 11, dtypes: FLOAT_DTYPES, run: ([x]) => [det(requireTensor('Det', x, 'X'))] })];
