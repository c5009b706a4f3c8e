/** ArgMax and ArgMin: the index of the largest/smallest element along one axis, through the reduction driver. */
import { NUMERIC_DTYPES, Tensor, attr, defineKernel, type KernelSpec } from '@onnx-ts/core';
import { requireTensor } from './inputs.js';
import { checkedAxis, reductionLayout } from './layout.js';
import { readNumeric } from './numeric.js';

type Op = 'ArgMax' | 'ArgMin';

function argExtremeIndexes<T extends number | bigint>(
  op: Op,
  values: ArrayLike<T>,
  starts: Int32Array,
  members: Int32Array,
  selectLast: boolean,
): BigInt64Array {
  const out = new BigInt64Array(starts.length);
  const wantMax = op === 'ArgMax';
  for (let g = 0; g < starts.length; g++) {
    const start = starts[g];
    let best = 0;
    let bestValue = values[start + members[0]];
    for (let m = 1; m < members.length; m++) {
      const v = values[start + members[m]];
      // NaN wins over any number, as numpy's argmax/argmin make it; equal values (and NaN against NaN) tie.
      const isNaN = v !== v;
      const bestIsNaN = bestValue !== bestValue;
      const beats = (wantMax ? v > bestValue : v < bestValue) || (isNaN && !bestIsNaN);
      const ties = v === bestValue || (isNaN && bestIsNaN);
      if (beats || (selectLast && ties)) {
        best = m;
        bestValue = v;
      }
    }
    out[g] = BigInt(best);
  }
  return out;
}

function argExtreme(op: Op, x: Tensor, axis: number, keepdims: boolean, selectLast: boolean): Tensor {
  const a = checkedAxis(axis, x.dims.length, `${op}: axis`);
  const { outDims, groupStarts, memberOffsets } = reductionLayout(x.dims, [a], keepdims);
  if (memberOffsets.length === 0 && groupStarts.length > 0) {
    throw new Error(`${op}: axis ${axis} of input [${x.dims.join(', ')}] is empty, so it has no element to index`);
  }
  const { values } = readNumeric(x);
  return new Tensor('int64', argExtremeIndexes<number | bigint>(op, values, groupStarts, memberOffsets, selectLast), outDims);
}

/** Kernel specs of ArgMax or ArgMin; select_last_index (opset 12) defaults to the first occurrence. */
export function argExtremeKernels(op: Op): KernelSpec<any>[] {
  return [
    defineKernel({
      op,
      since: 1,
      dtypes: NUMERIC_DTYPES,
      attrs: { axis: attr.int(0), keepdims: attr.int(1), select_last_index: attr.int(0) },
      run: ([x], { axis, keepdims, select_last_index }) => [
        argExtreme(op, requireTensor(op, x, 'data'), axis, keepdims !== 0, select_last_index !== 0),
      ],
    }),
  ];
}
