import { Tensor, allocData, attr, defineKernel, shapeSize, slotsPerElement, stridesOf } from '@onnx-ts/core';
import { normalizeIndex, readInts, tensorInput } from './args.js';
import { copyElements, storageOf, type Storage } from './layout.js';

/**
 * Offsets of the slices that the index tuples of `indices` (its last axis) address in `dataDims`, and the slice size.
 * The first `batchDims` axes of data and indices are matched pairwise, as GatherND and ScatterND define.
 */
export function tupleOffsets(
  op: string, dataDims: readonly number[], indices: Tensor, batchDims = 0,
): { offsets: Float64Array; sliceSize: number; sliceDims: number[] } {
  const q = indices.dims.length;
  const r = dataDims.length;
  if (q < 1) throw new Error(`${op}: 'indices' must have rank >= 1`);
  const k = indices.dims[q - 1];
  if (batchDims < 0 || batchDims >= Math.min(q, r)) throw new Error(`${op}: batch_dims ${batchDims} must be below the ranks of data and indices`);
  if (k < 1 || k > r - batchDims) throw new Error(`${op}: index tuples of length ${k} do not fit data of rank ${r} with batch_dims ${batchDims}`);
  for (let b = 0; b < batchDims; b++) {
    if (indices.dims[b] !== dataDims[b]) throw new Error(`${op}: batch dim ${b} is ${indices.dims[b]} in indices but ${dataDims[b]} in data`);
  }
  const strides = stridesOf(dataDims);
  const index = readInts(op, indices, 'indices');
  const tuples = index.length / k;
  const batchCount = shapeSize(dataDims.slice(0, batchDims));
  const perBatch = batchCount === 0 ? 0 : tuples / batchCount;
  const batchSize = shapeSize(dataDims.slice(batchDims));
  const offsets = new Float64Array(tuples);
  for (let t = 0; t < tuples; t++) {
    let offset = Math.floor(t / perBatch) * batchSize;
    for (let j = 0; j < k; j++) {
      const axis = batchDims + j;
      offset += normalizeIndex(op, index[t * k + j], dataDims[axis], `index on axis ${axis}`) * strides[axis];
    }
    offsets[t] = offset;
  }
  const sliceDims = dataDims.slice(batchDims + k);
  return { offsets, sliceSize: shapeSize(sliceDims), sliceDims };
}

export default [
  defineKernel({
    op: 'GatherND', since: 11,
    attrs: { batch_dims: attr.int(0) },
    run: (inputs, { batch_dims }) => {
      const data = tensorInput('GatherND', inputs, 0, 'data');
      const indices = tensorInput('GatherND', inputs, 1, 'indices');
      const { offsets, sliceSize, sliceDims } = tupleOffsets('GatherND', data.dims, indices, batch_dims);
      const outDims = [...indices.dims.slice(0, -1), ...sliceDims];
      const slots = slotsPerElement(data.type);
      const out = allocData(data.type, shapeSize(outDims)) as unknown as Storage;
      const from = storageOf(data);
      offsets.forEach((offset, t) => copyElements(out, t * sliceSize, from, offset, sliceSize, slots));
      return [new Tensor(data.type, out as never, outDims)];
    },
  }),
];
