import { attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from './args.js';
import { transposeTensor } from './layout.js';

export default [
  defineKernel({
    op: 'SpaceToDepth', since: 1,
    attrs: { blocksize: attr.int.required() },
    run: (inputs, { blocksize: b }) => {
      const x = tensorInput('SpaceToDepth', inputs, 0, 'input');
      if (x.dims.length !== 4) throw new Error(`SpaceToDepth: input must be 4-D [N, C, H, W], got [${x.dims.join(', ')}]`);
      const [n, c, h, w] = x.dims;
      if (!(b > 0) || h % b !== 0 || w % b !== 0) {
        throw new Error(`SpaceToDepth: height ${h} and width ${w} must be multiples of blocksize ${b}`);
      }
      const moved = transposeTensor(x.reshape([n, c, h / b, b, w / b, b]), [0, 3, 5, 1, 2, 4], 'SpaceToDepth');
      return [moved.reshape([n, c * b * b, h / b, w / b])];
    },
  }),
];
