import { attr, defineKernel, type Tensor } from '@onnx-ts/core';
import { normalizeAxes, readIntList, tensorInput } from './args.js';

/** Inserts axes of size 1; the axes are positions in the output, negative counting from its end. */
function unsqueeze(x: Tensor, axes: readonly number[]): Tensor {
  const outRank = x.dims.length + axes.length;
  const inserted = new Set(normalizeAxes('Unsqueeze', axes, outRank));
  const dims: number[] = [];
  let next = 0;
  for (let i = 0; i < outRank; i++) dims.push(inserted.has(i) ? 1 : x.dims[next++]);
  return x.reshape(dims);
}

export default [
  defineKernel({
    op: 'Unsqueeze', since: 1, until: 12,
    attrs: { axes: attr.ints.required() },
    run: (inputs, { axes }) => [unsqueeze(tensorInput('Unsqueeze', inputs, 0, 'data'), axes)],
  }),
  defineKernel({
    op: 'Unsqueeze', since: 13,
    run: (inputs) => {
      const axes = readIntList('Unsqueeze', tensorInput('Unsqueeze', inputs, 1, 'axes'), 'axes');
      return [unsqueeze(tensorInput('Unsqueeze', inputs, 0, 'data'), axes)];
    },
  }),
];
