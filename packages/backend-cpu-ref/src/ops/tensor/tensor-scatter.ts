import { Tensor, attr, defineKernel, normalizeAxis, shapeSize, slotsPerElement } from '@onnx-ts/core';
import { optionalTensor, readIntList, tensorInput } from './args.js';
import { copyElements, storageOf } from './layout.js';

export default [
  defineKernel({
    op: 'TensorScatter', since: 24,
    attrs: { axis: attr.int(-2), mode: attr.string('linear') },
    run: (inputs, { axis: axisIn, mode }) => {
      const past = tensorInput('TensorScatter', inputs, 0, 'past_cache');
      const update = tensorInput('TensorScatter', inputs, 1, 'update');
      const writeInput = optionalTensor('TensorScatter', inputs, 2, 'write_indices');
      if (mode !== 'linear' && mode !== 'circular') throw new Error(`TensorScatter: mode '${mode}' is not linear or circular`);
      if (update.type !== past.type) throw new Error(`TensorScatter: 'update' is ${update.type}, 'past_cache' is ${past.type}`);
      const rank = past.dims.length;
      const axis = normalizeAxis(axisIn, rank);
      if (axis === 0) throw new Error(`TensorScatter: axis must not be the batch axis 0`);
      const maxSeq = past.dims[axis];
      const seq = update.dims[axis];
      const fits = update.dims.length === rank && update.dims.every((d, k) => k === axis || d === past.dims[k]) && seq <= maxSeq;
      if (!fits) throw new Error(`TensorScatter: 'update' shape [${update.dims.join(', ')}] does not fit 'past_cache' [${past.dims.join(', ')}] on axis ${axis}`);
      const batch = past.dims[0];
      const writes = writeInput ? readIntList('TensorScatter', writeInput, 'write_indices') : new Array<number>(batch).fill(0);
      if (writes.length !== batch) throw new Error(`TensorScatter: 'write_indices' has ${writes.length} values for a batch of ${batch}`);
      const prefixes = shapeSize(past.dims.slice(0, axis));
      const perBatch = prefixes / batch;
      const block = shapeSize(past.dims.slice(axis + 1));
      const slots = slotsPerElement(past.type);
      const out = (past.data as unknown as { slice(): never }).slice();
      const from = storageOf(update);
      for (let p = 0; p < prefixes; p++) {
        const start = writes[Math.floor(p / perBatch)];
        for (let s = 0; s < seq; s++) {
          let at = start + s;
          if (mode === 'circular') at = ((at % maxSeq) + maxSeq) % maxSeq;
          else if (!(at >= 0 && at < maxSeq)) throw new Error(`TensorScatter: write position ${at} is outside the cache length ${maxSeq}`);
          copyElements(out, (p * maxSeq + at) * block, from, (p * seq + s) * block, block, slots);
        }
      }
      return [new Tensor(past.type, out, past.dims)];
    },
  }),
];
