import { attr, defineKernel, shapeSize } from '@onnx-ts/core';
import { tensorInput } from './args.js';

export default [
  defineKernel({
    op: 'Flatten', since: 1,
    attrs: { axis: attr.int(1) },
    run: (inputs, { axis }) => {
      const x = tensorInput('Flatten', inputs, 0, 'input');
      const rank = x.dims.length;
      // Unlike most axes, rank itself is allowed: everything goes to the outer dimension.
      if (axis < -rank || axis > rank) throw new Error(`Flatten: axis ${axis} is out of range [-${rank}, ${rank}]`);
      const at = axis < 0 ? axis + rank : axis;
      return [x.reshape([shapeSize(x.dims.slice(0, at)), shapeSize(x.dims.slice(at))])];
    },
  }),
];
