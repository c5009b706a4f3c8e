import { attr, defineKernel, sameShape } from '@onnx-ts/core';
import { tensorInput } from './args.js';
import { tupleOffsets } from './gather-nd.js';
import { startScatter } from './scatter-reduce.js';

export default [
  defineKernel({
    op: 'ScatterND', since: 11,
    attrs: { reduction: attr.string('none') },
    run: (inputs, { reduction }) => {
      const data = tensorInput('ScatterND', inputs, 0, 'data');
      const indices = tensorInput('ScatterND', inputs, 1, 'indices');
      const updates = tensorInput('ScatterND', inputs, 2, 'updates');
      const { offsets, sliceSize, sliceDims } = tupleOffsets('ScatterND', data.dims, indices);
      const expected = [...indices.dims.slice(0, -1), ...sliceDims];
      if (!sameShape(updates.dims, expected)) {
        throw new Error(`ScatterND: 'updates' has shape [${updates.dims.join(', ')}], expected [${expected.join(', ')}]`);
      }
      const scatter = startScatter('ScatterND', data, updates, reduction);
      offsets.forEach((offset, t) => {
        for (let e = 0; e < sliceSize; e++) scatter.write(offset + e, t * sliceSize + e);
      });
      return [scatter.result()];
    },
  }),
];
