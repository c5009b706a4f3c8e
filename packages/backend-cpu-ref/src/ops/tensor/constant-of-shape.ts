import { Tensor, attr, defineKernel, shapeSize } from '@onnx-ts/core';
import { readShape, tensorInput } from './args.js';
import { filledTensor } from './layout.js';

const ZERO = new Tensor('float32', new Float32Array(1), [1]);

export default [
  defineKernel({
    op: 'ConstantOfShape', since: 9,
    attrs: { value: attr.tensor() },
    run: (inputs, { value = ZERO }, ctx) => {
      const dims = readShape('ConstantOfShape', tensorInput('ConstantOfShape', inputs, 0, 'input'), 'input');
      if (value.size !== 1) throw new Error(`ConstantOfShape: 'value' must hold one element, got shape [${value.dims.join(', ')}]`);
      ctx.checkAllocation(value.type, shapeSize(dims));
      return [filledTensor(value, dims)];
    },
  }),
];
