import { Tensor, allocData, attr, defineKernel, shapeSize, slotsPerElement, stridesOf } from '@onnx-ts/core';
import { normalizeAxes, readIntList, tensorInput } from '../tensor/args.js';

/**
 * CenterCropPad: each listed axis cropped to a centered window (start rounded down) or zero-padded to the target size
 * (the odd padding element at the end); other axes unchanged. Works for every element type.
 */
export default [
  defineKernel({
    op: 'CenterCropPad', since: 18,
    attrs: { axes: attr.ints() },
    run: (inputs, a, ctx) => {
      const op = 'CenterCropPad';
      const x = tensorInput(op, inputs, 0, 'input_data');
      const shape = readIntList(op, tensorInput(op, inputs, 1, 'shape'), 'shape');
      const rank = x.dims.length;
      const axes = normalizeAxes(op, a.axes ?? [...x.dims.keys()], rank);
      if (shape.length !== axes.length) {
        throw new Error(`${op}: shape has ${shape.length} values but there are ${axes.length} axes`);
      }
      const outDims = [...x.dims];
      axes.forEach((axis, i) => {
        if (!(shape[i] >= 0)) throw new Error(`${op}: shape [${shape.join(', ')}] has a negative size`);
        outDims[axis] = shape[i];
      });
      // Per axis: the length copied, where it starts in the input and where it lands in the output. A scalar is
      // treated as one element of a 1-D tensor.
      const inDims = rank === 0 ? [1] : x.dims;
      const toDims = rank === 0 ? [1] : outDims;
      const length = inDims.map((n, d) => Math.min(n, toDims[d]));
      const srcStart = inDims.map((n, d) => Math.max(0, Math.floor((n - toDims[d]) / 2)));
      const dstStart = inDims.map((n, d) => Math.max(0, Math.floor((toDims[d] - n) / 2)));
      const size = shapeSize(outDims);
      ctx.checkAllocation(x.type, size);
      const out = allocData(x.type, size) as unknown as { [i: number]: unknown };
      const src = x.data as unknown as ArrayLike<unknown>;
      // Storage slots per element (2 for complex types): offsets below are in slots.
      const slots = slotsPerElement(x.type);
      const inStrides = stridesOf(inDims).map((st) => st * slots);
      const outStrides = stridesOf(toDims).map((st) => st * slots);
      const last = inDims.length - 1;
      const runLength = length[last] * slots;
      const counter = new Array<number>(last).fill(0);
      const runs = runLength > 0 ? shapeSize(length.slice(0, last)) : 0;
      for (let r = 0; r < runs; r++) {
        let from = srcStart[last] * slots;
        let to = dstStart[last] * slots;
        for (let d = 0; d < last; d++) {
          from += (srcStart[d] + counter[d]) * inStrides[d];
          to += (dstStart[d] + counter[d]) * outStrides[d];
        }
        for (let i = 0; i < runLength; i++) out[to + i] = src[from + i];
        for (let d = last - 1; d >= 0; d--) {
          if (++counter[d] < length[d]) break;
          counter[d] = 0;
        }
      }
      return [new Tensor(x.type, out as never, outDims)];
    },
  }),
];
