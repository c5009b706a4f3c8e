import { FLOAT_DTYPES, attr, defineKernel, sameShape, shapeSize, stridesOf } from '@onnx-ts/core';
import { optionalTensor, readShape, tensorInput } from '../tensor/args.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';
import { dilatedExtent, perAxis, readPads } from './window.js';

/**
 * MaxUnpool: a zero tensor of the unpooled shape, (in - 1)·stride + kernel - pads per spatial axis, with each X value
 * written at its flat index from I. A larger `output_shape` (same N and C) adds zeros at the end of each axis, as the
 * ONNX reference does.
 */
export default [
  defineKernel({
    op: 'MaxUnpool', since: 9, dtypes: FLOAT_DTYPES,
    attrs: { kernel_shape: attr.ints.required(), pads: attr.ints(), strides: attr.ints() },
    run: (inputs, a, ctx) => {
      const op = 'MaxUnpool';
      const x = tensorInput(op, inputs, 0, 'X');
      const indices = tensorInput(op, inputs, 1, 'I');
      const shape = optionalTensor(op, inputs, 2, 'output_shape');
      if (x.dims.length < 3) throw new Error(`${op}: X must be [N, C, spatial...] (rank >= 3), got [${x.dims.join(', ')}]`);
      if (indices.type !== 'int64' || !sameShape(indices.dims, x.dims)) {
        throw new Error(`${op}: I must be int64 of X's shape [${x.dims.join(', ')}], got ${indices.type} [${indices.dims.join(', ')}]`);
      }
      const rank = x.dims.length - 2;
      const kernel = perAxis(op, 'kernel_shape', a.kernel_shape, rank, 1, 1);
      const strides = perAxis(op, 'strides', a.strides, rank, 1, 1);
      const [padBegin, padEnd] = readPads(op, a.pads, rank);
      const spatial = x.dims.slice(2).map((n, d) => (n - 1) * strides[d] + dilatedExtent(kernel[d], 1) - padBegin[d] - padEnd[d]);
      const naturalDims = [x.dims[0], x.dims[1], ...spatial];
      const outDims = shape ? readShape(op, shape, 'output_shape') : naturalDims;
      if (outDims.length !== x.dims.length || outDims.some((n, d) => n < naturalDims[d] || (d < 2 && n !== naturalDims[d]))) {
        throw new Error(
          `${op}: output_shape [${outDims.join(', ')}] must keep N and C and cover the unpooled shape [${naturalDims.join(', ')}]`,
        );
      }
      const size = shapeSize(outDims);
      ctx.checkAllocation(x.type, size);
      const naturalSize = shapeSize(naturalDims);
      const naturalStrides = stridesOf(naturalDims);
      const outStrides = stridesOf(outDims);
      const xs = floatValues(x);
      const at = indices.data as BigInt64Array;
      const out = floatBuffer(x.type, size);
      for (let i = 0; i < x.size; i++) {
        let rest = Number(at[i]);
        if (!(rest >= 0 && rest < naturalSize)) {
          throw new Error(`${op}: index ${at[i]} at element ${i} of I is outside the unpooled shape [${naturalDims.join(', ')}]`);
        }
        // The index counts in the unpooled shape; a larger output_shape extends each axis at its end.
        let target = 0;
        for (let d = 0; d < naturalDims.length; d++) {
          const coord = Math.floor(rest / naturalStrides[d]);
          rest -= coord * naturalStrides[d];
          target += coord * outStrides[d];
        }
        out[target] = xs[i];
      }
      return [floatTensor(x.type, out, outDims)];
    },
  }),
];
