import { Tensor, allocData, attr, defineKernel, slotsPerElement } from '@onnx-ts/core';
import { optionalTensor, readIntScalar, tensorInput } from './args.js';
import { copyElements, storageOf, type Storage } from './layout.js';

export default [
  defineKernel({
    op: 'Trilu', since: 14,
    attrs: { upper: attr.int(1) },
    run: (inputs, { upper }) => {
      const x = tensorInput('Trilu', inputs, 0, 'input');
      const kInput = optionalTensor('Trilu', inputs, 1, 'k');
      const k = kInput ? readIntScalar('Trilu', kInput, 'k') : 0;
      const rank = x.dims.length;
      if (rank < 2) throw new Error(`Trilu: input must have rank >= 2, got [${x.dims.join(', ')}]`);
      const rows = x.dims[rank - 2];
      const cols = x.dims[rank - 1];
      const slots = slotsPerElement(x.type);
      const out = allocData(x.type, x.size) as unknown as Storage;
      const from = storageOf(x);
      // Kept elements are copied; the rest keep the type's zero.
      for (let m = 0; m < x.size; m += rows * cols) {
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            const keep = upper ? j - i >= k : j - i <= k;
            if (keep) copyElements(out, m + i * cols + j, from, m + i * cols + j, 1, slots);
          }
        }
      }
      return [new Tensor(x.type, out as never, x.dims)];
    },
  }),
];
