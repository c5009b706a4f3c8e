import { attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from './args.js';
import { transposeTensor } from './layout.js';

export default [
  defineKernel({
    op: 'Transpose', since: 1,
    attrs: { perm: attr.ints() },
    run: (inputs, { perm }) => {
      const x = tensorInput('Transpose', inputs, 0, 'data');
      // Without perm the axes are reversed.
      return [transposeTensor(x, perm ?? x.dims.map((_, i) => x.dims.length - 1 - i))];
    },
  }),
];
