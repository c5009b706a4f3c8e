import { Tensor, attr, defineKernel, shapeSize, slotsPerElement, stridesOf } from '@onnx-ts/core';
import { readIntList, tensorInput } from './args.js';
import { copyElements, storageOf } from './layout.js';

export default [
  defineKernel({
    op: 'ReverseSequence', since: 10,
    attrs: { batch_axis: attr.int(1), time_axis: attr.int(0) },
    run: (inputs, { batch_axis, time_axis }) => {
      const x = tensorInput('ReverseSequence', inputs, 0, 'input');
      const lens = readIntList('ReverseSequence', tensorInput('ReverseSequence', inputs, 1, 'sequence_lens'), 'sequence_lens');
      if (x.dims.length < 2) throw new Error(`ReverseSequence: input must have rank >= 2, got [${x.dims.join(', ')}]`);
      const axesOk = (batch_axis === 0 && time_axis === 1) || (batch_axis === 1 && time_axis === 0);
      if (!axesOk) throw new Error(`ReverseSequence: batch_axis ${batch_axis} and time_axis ${time_axis} must be 0 and 1 in some order`);
      const batch = x.dims[batch_axis];
      const time = x.dims[time_axis];
      if (lens.length !== batch) throw new Error(`ReverseSequence: 'sequence_lens' has ${lens.length} values for a batch of ${batch}`);
      const strides = stridesOf(x.dims);
      // Axes 0 and 1 are batch and time in some order, so every (batch, time) pair owns a contiguous block.
      const block = shapeSize(x.dims.slice(2));
      const slots = slotsPerElement(x.type);
      const out = (x.data as unknown as { slice(): never }).slice();
      const from = storageOf(x);
      lens.forEach((len, b) => {
        if (!(len >= 0 && len <= time)) throw new Error(`ReverseSequence: sequence length ${len} is outside [0, ${time}]`);
        for (let t = 0; t < len; t++) {
          const to = b * strides[batch_axis] + t * strides[time_axis];
          copyElements(out, to, from, b * strides[batch_axis] + (len - 1 - t) * strides[time_axis], block, slots);
        }
      });
      return [new Tensor(x.type, out, x.dims)];
    },
  }),
];
