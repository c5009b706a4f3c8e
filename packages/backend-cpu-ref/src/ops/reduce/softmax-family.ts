/**
 * Softmax, LogSoftmax and Hardmax normalize groups of elements. Before opset 13 the input is coerced to 2-D at
 * `axis` (default 1) and each row, i.e. all the axes from `axis` on, is one group; from 13 the group is the single
 * axis `axis` (default -1). Both are a keepdims reduction layout walked in place.
 */
import { FLOAT_DTYPES, attr, defineKernel, type KernelSpec, type Tensor } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../util/elementwise.js';
import { requireTensor } from './inputs.js';
import { checkedAxis, reductionLayout } from './layout.js';

/** Writes the normalized values of one group: elements `start + members[m]` of `values` into the same places of `out`. */
export type GroupNormalizer = (values: Float64Array, out: Float64Array, start: number, members: Int32Array) => void;

function normalizeGroups(x: Tensor, axes: readonly number[], normalize: GroupNormalizer): Tensor {
  const { groupStarts, memberOffsets } = reductionLayout(x.dims, axes, true);
  const values = toNumbers(x);
  const out = new Float64Array(values.length);
  for (let g = 0; g < groupStarts.length; g++) normalize(values, out, groupStarts[g], memberOffsets);
  return fromNumbers(x.type, out, x.dims);
}

export function softmaxFamilyKernels(op: string, normalize: GroupNormalizer): KernelSpec<any>[] {
  return [
    defineKernel({
      op,
      since: 1,
      until: 12,
      dtypes: FLOAT_DTYPES,
      attrs: { axis: attr.int(1) },
      run: ([x], { axis }) => {
        const t = requireTensor(op, x, 'input');
        const rank = t.dims.length;
        // axis may equal rank here: the 2-D view is then [size, 1] and every element is its own group.
        if (!Number.isInteger(axis) || axis < -rank || axis > rank) {
          throw new Error(`${op}: axis ${axis} is out of range for an input of rank ${rank} (expected ${-rank}..${rank})`);
        }
        const first = axis < 0 ? axis + rank : axis;
        const axes = t.dims.map((_, i) => i).filter((i) => i >= first);
        return [normalizeGroups(t, axes, normalize)];
      },
    }),
    defineKernel({
      op,
      since: 13,
      dtypes: FLOAT_DTYPES,
      attrs: { axis: attr.int(-1) },
      run: ([x], { axis }) => {
        const t = requireTensor(op, x, 'input');
        return [normalizeGroups(t, [checkedAxis(axis, t.dims.length, `${op}: axis`)], normalize)];
      },
    }),
  ];
}

/** The group's maximum, subtracted before exp so that large inputs do not overflow. */
export function groupMax(values: Float64Array, start: number, members: Int32Array): number {
  let max = -Infinity;
  for (let m = 0; m < members.length; m++) max = Math.max(max, values[start + members[m]]);
  return max;
}
