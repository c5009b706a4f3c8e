import { allocData, attr, defineKernel, isTensor, normalizeAxis, shapeSize, slotsPerElement, Tensor } from '@onnx-ts/core';
import { copyElements, storageOf, type Storage } from '../../tensor/layout.js';
import { sequenceInput } from '../inputs.js';

/**
 * ConcatFromSequence: joins the tensors of a sequence along `axis` (numpy.concatenate), or along a new axis inserted
 * there when new_axis=1 (numpy.stack).
 */
export default [
  defineKernel({
    op: 'ConcatFromSequence', since: 11,
    attrs: { axis: attr.int.required(), new_axis: attr.int(0) },
    run: (inputs, { axis, new_axis }, ctx) => {
      const seq = sequenceInput('ConcatFromSequence', inputs, 0, 'input_sequence');
      if (seq.length === 0) throw new Error('ConcatFromSequence: the input sequence is empty');
      const tensors = seq.map((v, i) => {
        if (!isTensor(v)) throw new Error(`ConcatFromSequence: element ${i} of the sequence is not a tensor`);
        return v;
      });
      const { type, dims: firstDims } = tensors[0];
      const stack = new_axis === 1;
      if (!stack && firstDims.length === 0) throw new Error('ConcatFromSequence: scalars can only be joined with new_axis=1');
      const a = normalizeAxis(axis, firstDims.length + (stack ? 1 : 0));
      // Stacking is concatenation of the tensors with a unit axis inserted at `a`.
      const parts = stack ? tensors.map((t) => t.reshape([...t.dims.slice(0, a), 1, ...t.dims.slice(a)])) : tensors;
      const dims = parts[0].dims;
      parts.forEach((t, i) => {
        if (t.type !== type) throw new Error(`ConcatFromSequence: element ${i} is ${t.type} but element 0 is ${type}`);
        const same = t.dims.length === dims.length && t.dims.every((d, k) => k === a || d === dims[k]);
        if (!same) {
          throw new Error(`ConcatFromSequence: element ${i} has shape [${tensors[i].dims.join(', ')}], ` +
            `which does not match [${firstDims.join(', ')}] off axis ${axis}`);
        }
      });
      const outDims = [...dims];
      outDims[a] = parts.reduce((n, t) => n + t.dims[a], 0);
      const size = shapeSize(outDims);
      ctx.checkAllocation(type, size);
      const slots = slotsPerElement(type);
      const out = allocData(type, size) as unknown as Storage;
      const outer = shapeSize(dims.slice(0, a));
      const inner = shapeSize(dims.slice(a + 1));
      const rowLength = outDims[a] * inner;
      let offset = 0;
      for (const t of parts) {
        const block = t.dims[a] * inner;
        const src = storageOf(t);
        for (let o = 0; o < outer; o++) copyElements(out, o * rowLength + offset, src, o * block, block, slots);
        offset += block;
      }
      return [new Tensor(type, out as never, outDims)];
    },
  }),
];
