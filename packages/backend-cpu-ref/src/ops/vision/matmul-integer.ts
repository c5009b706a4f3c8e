/** MatMulInteger (opset 10): numpy-style matmul of int8/uint8 operands minus their zero points, int32 result. */
import { Tensor, defineKernel } from '@onnx-ts/core';
import { expectType, optionalInput, tensorInput } from './inputs.js';
import { matmulInt32, matmulShape, shiftByZeroPoint } from './integer-matmul.js';

const OP = 'MatMulInteger';

export default [
  defineKernel({
    op: OP, since: 10,
    dtypes: ['int8', 'uint8'],
    run: ([aIn, bIn, azpIn, bzpIn], _attrs, ctx) => {
      const a = tensorInput(OP, aIn, 'A');
      const b = tensorInput(OP, bIn, 'B');
      expectType(OP, a, 'A', ['int8', 'uint8']);
      expectType(OP, b, 'B', ['int8', 'uint8']);
      const shape = matmulShape(OP, a.dims, b.dims);
      ctx.checkAllocation('int32', shape.batches.length * shape.M * shape.N);
      const aShifted = shiftByZeroPoint(OP, 'A', a, optionalInput(OP, azpIn, 'a_zero_point'), 'row');
      const bShifted = shiftByZeroPoint(OP, 'B', b, optionalInput(OP, bzpIn, 'b_zero_point'), 'col');
      return [new Tensor('int32', matmulInt32(shape, aShifted, bShifted), shape.outDims)];
    },
  }),
];
