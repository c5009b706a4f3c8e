/**
 * TopK: the k largest (or smallest) elements along an axis and their indices, sorted, equal values by lower index
 * first; NaN counts as larger than every number. k is an attribute in opset 1 and an input from 10; largest and
 * sorted arrive in 11 (an unsorted result may be in any order, so sorted output serves both).
 */
import { NUMERIC_DTYPES, Tensor, attr, defineKernel, type Value } from '@onnx-ts/core';
import { readScalarInteger, requireTensor } from './inputs.js';
import { checkedAxis, reductionLayout } from './layout.js';
import { allocNumeric, numericTensor, readNumeric, type Buffer } from './numeric.js';

function selectGroups<T extends number | bigint>(
  values: ArrayLike<T>,
  outValues: Buffer<T>,
  outIndexes: BigInt64Array,
  inLayout: { groupStarts: Int32Array; memberOffsets: Int32Array },
  outLayout: { groupStarts: Int32Array; memberOffsets: Int32Array },
  k: number,
  largest: boolean,
): void {
  const members = inLayout.memberOffsets;
  const order = new Int32Array(members.length);
  let start = 0;
  const compare = (p: number, q: number): number => {
    const a = values[start + members[p]];
    const b = values[start + members[q]];
    if (a === b || (a !== a && b !== b)) return p - q;
    const first = largest ? a > b || a !== a : a < b || b !== b;
    return first ? -1 : 1;
  };
  for (let g = 0; g < inLayout.groupStarts.length; g++) {
    start = inLayout.groupStarts[g];
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort(compare);
    const outStart = outLayout.groupStarts[g];
    for (let r = 0; r < k; r++) {
      const o = outStart + outLayout.memberOffsets[r];
      outValues[o] = values[start + members[order[r]]];
      outIndexes[o] = BigInt(order[r]);
    }
  }
}

function topK(x: Tensor, k: number, axis: number, largest: boolean): Value[] {
  const a = checkedAxis(axis, x.dims.length, 'TopK: axis');
  const length = x.dims[a];
  if (!Number.isInteger(k) || k < 0 || k > length) {
    throw new Error(`TopK: k must be between 0 and the axis length ${length}, got ${k}`);
  }
  const outDims = x.dims.map((d, i) => (i === a ? k : d));
  const inLayout = reductionLayout(x.dims, [a], true);
  const outLayout = reductionLayout(outDims, [a], true);
  const outSize = outLayout.groupStarts.length * k;
  const input = readNumeric(x);
  const outValues = allocNumeric(x.type, outSize);
  const outIndexes = new BigInt64Array(outSize);
  selectGroups<number | bigint>(input.values, outValues, outIndexes, inLayout, outLayout, k, largest);
  return [numericTensor(x.type, outValues, outDims), new Tensor('int64', outIndexes, outDims)];
}

export default [
  defineKernel({
    op: 'TopK',
    since: 1,
    until: 9,
    dtypes: NUMERIC_DTYPES,
    attrs: { axis: attr.int(-1), k: attr.int.required() },
    run: ([x], { axis, k }) => topK(requireTensor('TopK', x, 'X'), k, axis, true),
  }),
  defineKernel({
    op: 'TopK',
    since: 10,
    dtypes: NUMERIC_DTYPES,
    attrs: { axis: attr.int(-1), largest: attr.int(1), sorted: attr.int(1) },
    run: ([x, kInput], { axis, largest }) => {
      const k = readScalarInteger(requireTensor('TopK', kInput, 'K'), "TopK: input 'K'");
      return topK(requireTensor('TopK', x, 'X'), k, axis, largest !== 0);
    },
  }),
];
