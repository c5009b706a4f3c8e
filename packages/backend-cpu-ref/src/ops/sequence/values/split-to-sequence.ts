import { attr, defineKernel, normalizeAxis, stridesOf, type Tensor } from '@onnx-ts/core';
import { copyStrided } from '../../tensor/layout.js';
import { optionalTensor, readIntList, readIntScalar, tensorInput } from '../../tensor/args.js';

/** Part lengths along the split axis: chunks of one (no `split`), of a scalar size (the last may be shorter), or listed. */
function partLengths(split: Tensor | undefined, dim: number): number[] {
  if (!split) return new Array<number>(dim).fill(1);
  if (split.dims.length === 0) {
    const chunk = readIntScalar('SplitToSequence', split, 'split');
    if (chunk <= 0) throw new Error(`SplitToSequence: a scalar 'split' must be positive, got ${chunk}`);
    const lengths = new Array<number>(Math.floor(dim / chunk)).fill(chunk);
    if (dim % chunk) lengths.push(dim % chunk);
    return lengths;
  }
  const lengths = readIntList('SplitToSequence', split, 'split');
  if (lengths.some((n) => n < 0)) throw new Error(`SplitToSequence: 'split' [${lengths.join(', ')}] has a negative length`);
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total !== dim) throw new Error(`SplitToSequence: 'split' [${lengths.join(', ')}] sums to ${total}, but the axis has ${dim}`);
  return lengths;
}

/** SplitToSequence: the parts of `input` along `axis`; without `split`, keepdims=0 drops the axis of each part. */
export default [
  defineKernel({
    op: 'SplitToSequence', since: 11,
    attrs: { axis: attr.int(0), keepdims: attr.int(1) },
    run: (inputs, { axis, keepdims }) => {
      const input = tensorInput('SplitToSequence', inputs, 0, 'input');
      const split = optionalTensor('SplitToSequence', inputs, 1, 'split');
      if (input.dims.length === 0) throw new Error('SplitToSequence: input must have rank >= 1, got a scalar');
      const a = normalizeAxis(axis, input.dims.length);
      const lengths = partLengths(split, input.dims[a]);
      const dropAxis = !split && keepdims === 0;
      const strides = stridesOf(input.dims);
      let start = 0;
      const parts = lengths.map((length) => {
        const dims = input.dims.map((d, k) => (k === a ? length : d));
        const part = copyStrided(input, dims, start * strides[a], strides);
        start += length;
        return dropAxis ? part.reshape(dims.filter((_, k) => k !== a)) : part;
      });
      return [parts];
    },
  }),
];
