import { attr, defineKernel, stridesOf, type Tensor } from '@onnx-ts/core';
import { normalizeAxes, optionalTensor, readIntList, tensorInput } from './args.js';
import { copyStrided } from './layout.js';

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Slices `x` along `axes` (default the first starts.length axes). Starts and ends count from the end when negative
 * and are clamped to the dimension, so huge int64 values mean "to the end"; negative steps walk backwards.
 */
function slice(
  x: Tensor, starts: readonly number[], ends: readonly number[], axesIn?: readonly number[], stepsIn?: readonly number[],
): Tensor {
  const rank = x.dims.length;
  const axes = normalizeAxes('Slice', axesIn ?? starts.map((_, i) => i), rank);
  const steps = stepsIn ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    throw new Error(
      `Slice: starts, ends, axes and steps must have one length, got ${starts.length}, ${ends.length}, ` +
      `${axes.length} and ${steps.length}`,
    );
  }
  const strides = stridesOf(x.dims);
  const counts = [...x.dims];
  const outStrides = [...strides];
  let base = 0;
  axes.forEach((axis, i) => {
    const d = x.dims[axis];
    const step = steps[i];
    if (step === 0) throw new Error(`Slice: step for axis ${axis} is 0`);
    let start = starts[i] < 0 ? starts[i] + d : starts[i];
    let end = ends[i] < 0 ? ends[i] + d : ends[i];
    if (step > 0) {
      start = clamp(start, 0, d);
      end = clamp(end, 0, d);
      counts[axis] = Math.max(0, Math.ceil((end - start) / step));
    } else {
      start = clamp(start, 0, d - 1);
      end = clamp(end, -1, d - 1);
      counts[axis] = Math.max(0, Math.ceil((start - end) / -step));
    }
    if (counts[axis] > 0) base += start * strides[axis];
    outStrides[axis] = step * strides[axis];
  });
  return copyStrided(x, counts, base, outStrides);
}

export default [
  defineKernel({
    op: 'Slice', since: 1, until: 9,
    attrs: { starts: attr.ints.required(), ends: attr.ints.required(), axes: attr.ints() },
    run: (inputs, { starts, ends, axes }) => [slice(tensorInput('Slice', inputs, 0, 'data'), starts, ends, axes)],
  }),
  defineKernel({
    op: 'Slice', since: 10,
    run: (inputs) => {
      const list = (index: number, name: string): number[] | undefined => {
        const t = optionalTensor('Slice', inputs, index, name);
        return t && readIntList('Slice', t, name);
      };
      const starts = list(1, 'starts');
      const ends = list(2, 'ends');
      if (!starts || !ends) throw new Error(`Slice: inputs 'starts' and 'ends' are required`);
      return [slice(tensorInput('Slice', inputs, 0, 'data'), starts, ends, list(3, 'axes'), list(4, 'steps'))];
    },
  }),
];
