import { Tensor, broadcastIndex, broadcastShapes, defineKernel, shapeSize } from '@onnx-ts/core';
import { tensorInput } from '../../tensor/args.js';

/**
 * StringConcat: elementwise X + Y with numpy broadcasting. mapBroadcast computes on numbers only, so the core
 * broadcasting helpers are used directly for strings.
 */
export default [
  defineKernel({
    op: 'StringConcat', since: 20, dtypes: ['string'],
    run: (inputs, _attrs, ctx) => {
      const x = tensorInput('StringConcat', inputs, 0, 'X');
      const y = tensorInput('StringConcat', inputs, 1, 'Y');
      if (y.type !== 'string') throw new Error(`StringConcat: 'Y' must be a string tensor, got ${y.type}`);
      const dims = broadcastShapes(x.dims, y.dims);
      const size = shapeSize(dims);
      ctx.checkAllocation('string', size);
      const [xs, ys] = [x.data as string[], y.data as string[]];
      const [xi, yi] = [broadcastIndex(dims, x.dims), broadcastIndex(dims, y.dims)];
      const out = new Array<string>(size);
      for (let i = 0; i < size; i++) out[i] = xs[xi ? xi[i] : i] + ys[yi ? yi[i] : i];
      return [new Tensor('string', out, dims)];
    },
  }),
];
