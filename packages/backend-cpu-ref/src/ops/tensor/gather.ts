import { attr, defineKernel, normalizeAxis } from '@onnx-ts/core';
import { normalizeIndex, readInts, tensorInput } from './args.js';
import { selectAlongAxis } from './layout.js';

export default [
  defineKernel({
    op: 'Gather', since: 1,
    attrs: { axis: attr.int(0) },
    run: (inputs, { axis: axisIn }) => {
      const data = tensorInput('Gather', inputs, 0, 'data');
      const indices = tensorInput('Gather', inputs, 1, 'indices');
      if (data.dims.length === 0) throw new Error(`Gather: 'data' must have rank >= 1, got a scalar`);
      const axis = normalizeAxis(axisIn, data.dims.length);
      const dim = data.dims[axis];
      const positions = readInts('Gather', indices, 'indices').map((i) => normalizeIndex('Gather', i, dim, 'index'));
      return [selectAlongAxis(data, axis, positions, indices.dims)];
    },
  }),
];
