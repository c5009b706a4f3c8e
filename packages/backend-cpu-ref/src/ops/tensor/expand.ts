import { broadcastIndex, broadcastShapes, defineKernel, shapeSize } from '@onnx-ts/core';
import { readShape, tensorInput } from './args.js';
import { takeFlat } from './layout.js';

export default [
  defineKernel({
    op: 'Expand', since: 8,
    run: (inputs, _attrs, ctx) => {
      const x = tensorInput('Expand', inputs, 0, 'input');
      const shape = readShape('Expand', tensorInput('Expand', inputs, 1, 'shape'), 'shape');
      // Broadcasting goes both ways: a 1 in `shape` keeps the input's dimension.
      const outDims = broadcastShapes(x.dims, shape);
      const size = shapeSize(outDims);
      ctx.checkAllocation(x.type, size);
      const index = broadcastIndex(outDims, x.dims);
      return [index ? takeFlat(x, index, outDims) : x];
    },
  }),
];
