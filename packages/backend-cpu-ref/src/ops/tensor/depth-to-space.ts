import { attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from './args.js';
import { transposeTensor } from './layout.js';

export default [
  defineKernel({
    op: 'DepthToSpace', since: 1,
    attrs: { blocksize: attr.int.required(), mode: attr.string('DCR') },
    run: (inputs, { blocksize: b, mode }) => {
      const x = tensorInput('DepthToSpace', inputs, 0, 'input');
      if (x.dims.length !== 4) throw new Error(`DepthToSpace: input must be 4-D [N, C, H, W], got [${x.dims.join(', ')}]`);
      const [n, c, h, w] = x.dims;
      if (!(b > 0) || c % (b * b) !== 0) throw new Error(`DepthToSpace: channels ${c} are not a multiple of blocksize² (${b}²)`);
      const depth = c / (b * b);
      // DCR takes the block offsets from the outer part of the channel index, CRD from the inner part.
      let moved;
      if (mode === 'DCR') moved = transposeTensor(x.reshape([n, b, b, depth, h, w]), [0, 3, 4, 1, 5, 2], 'DepthToSpace');
      else if (mode === 'CRD') moved = transposeTensor(x.reshape([n, depth, b, b, h, w]), [0, 1, 4, 2, 5, 3], 'DepthToSpace');
      else throw new Error(`DepthToSpace: mode '${mode}' is not DCR or CRD`);
      return [moved.reshape([n, depth, h * b, w * b])];
    },
  }),
];
