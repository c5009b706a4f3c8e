/** ConvInteger (opset 10): convolution of int8/uint8 x and w minus their zero points, int32 output. */
import { Tensor, defineKernel, shapeSize } from '@onnx-ts/core';
import { expectType, optionalInput, tensorInput } from './inputs.js';
import { CONV_ATTRS, convGeometry, convInt32, shiftedOperands } from './integer-conv.js';

const OP = 'ConvInteger';

export default [
  defineKernel({
    op: OP, since: 10,
    dtypes: ['int8', 'uint8'],
    attrs: CONV_ATTRS,
    run: ([xIn, wIn, xzpIn, wzpIn], a, ctx) => {
      const x = tensorInput(OP, xIn, 'x');
      const w = tensorInput(OP, wIn, 'w');
      expectType(OP, x, 'x', ['int8', 'uint8']);
      expectType(OP, w, 'w', ['int8', 'uint8']);
      const g = convGeometry(OP, x, w, a);
      const outDims = [g.batch, g.outChannels, ...g.window.grid];
      ctx.checkAllocation('int32', shapeSize(outDims));
      const [xs, ws] = shiftedOperands(OP, x, optionalInput(OP, xzpIn, 'x_zero_point'), w, optionalInput(OP, wzpIn, 'w_zero_point'));
      return [new Tensor('int32', convInt32(xs, ws, g), outDims)];
    },
  }),
];
