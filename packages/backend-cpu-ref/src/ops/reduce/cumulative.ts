/**
 * CumSum and CumProd: running totals along one axis (given as an input), optionally exclusive (each output leaves
 * out its own element) and/or reversed (totals run from the end).
 */
import { attr, defineKernel, type DType, type KernelSpec } from '@onnx-ts/core';
import { readScalarInteger, requireTensor } from './inputs.js';
import { checkedAxis, reductionLayout } from './layout.js';
import { allocNumeric, arithFor, numericTensor, readNumeric, type Arith, type Buffer } from './numeric.js';

type Combine = 'add' | 'mul';

function scanGroups<T>(
  values: ArrayLike<T>,
  out: Buffer<T>,
  starts: Int32Array,
  members: Int32Array,
  arith: Arith<T>,
  combine: Combine,
  exclusive: boolean,
  reverse: boolean,
): void {
  const step = arith[combine];
  const identity = combine === 'add' ? arith.zero : arith.one;
  const n = members.length;
  for (let g = 0; g < starts.length; g++) {
    const start = starts[g];
    let acc = identity;
    for (let k = 0; k < n; k++) {
      const i = start + members[reverse ? n - 1 - k : k];
      if (exclusive) {
        out[i] = acc;
        acc = step(acc, values[i]);
      } else {
        acc = step(acc, values[i]);
        out[i] = acc;
      }
    }
  }
}

export const CUMULATIVE_DTYPES: readonly DType[] = [
  'uint32', 'uint64', 'int32', 'int64', 'float32', 'float64', 'float16', 'bfloat16',
];

export function cumulativeKernels(op: string, since: number, combine: Combine): KernelSpec<any>[] {
  return [
    defineKernel({
      op,
      since,
      dtypes: CUMULATIVE_DTYPES,
      attrs: { exclusive: attr.int(0), reverse: attr.int(0) },
      run: ([x, axisInput], { exclusive, reverse }) => {
        const t = requireTensor(op, x, 'x');
        const axisValue = readScalarInteger(requireTensor(op, axisInput, 'axis'), `${op}: input 'axis'`);
        const axis = checkedAxis(axisValue, t.dims.length, `${op}: axis`);
        const { groupStarts, memberOffsets } = reductionLayout(t.dims, [axis], true);
        const input = readNumeric(t);
        const out = allocNumeric(t.type, t.size);
        if (input.kind === 'bigint') {
          scanGroups(input.values, out as BigInt64Array, groupStarts, memberOffsets, arithFor('bigint'), combine, exclusive !== 0, reverse !== 0);
        } else {
          scanGroups(input.values, out as Float64Array, groupStarts, memberOffsets, arithFor(input.kind), combine, exclusive !== 0, reverse !== 0);
        }
        return [numericTensor(t.type, out, t.dims)];
      },
    }),
  ];
}
