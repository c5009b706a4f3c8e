import { Tensor, attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from './args.js';

/** Clamps a Shape start/end into [0, rank], negative counting from the end. */
function clampAxis(value: number, rank: number): number {
  return Math.min(rank, Math.max(0, value < 0 ? value + rank : value));
}

export default [
  defineKernel({
    op: 'Shape', since: 1,
    attrs: { start: attr.int(0), end: attr.int() },
    run: (inputs, { start, end }) => {
      const x = tensorInput('Shape', inputs, 0, 'data');
      const rank = x.dims.length;
      const from = clampAxis(start, rank);
      const to = end === undefined ? rank : clampAxis(end, rank);
      const dims = x.dims.slice(from, Math.max(from, to));
      return [new Tensor('int64', BigInt64Array.from(dims, BigInt), [dims.length])];
    },
  }),
];
