import { attr, defineKernel, normalizeAxis, stridesOf } from '@onnx-ts/core';
import { normalizeIndex, readInts, tensorInput } from './args.js';
import { takeFlat } from './layout.js';

export default [
  defineKernel({
    op: 'GatherElements', since: 11,
    attrs: { axis: attr.int(0) },
    run: (inputs, { axis: axisIn }) => {
      const data = tensorInput('GatherElements', inputs, 0, 'data');
      const indices = tensorInput('GatherElements', inputs, 1, 'indices');
      const rank = data.dims.length;
      const axis = normalizeAxis(axisIn, rank);
      const fits = indices.dims.length === rank && indices.dims.every((d, k) => k === axis || d <= data.dims[k]);
      if (!fits) {
        throw new Error(`GatherElements: indices of shape [${indices.dims.join(', ')}] do not fit data of shape [${data.dims.join(', ')}]`);
      }
      const flat = elementOffsets('GatherElements', data.dims, indices.dims, axis, readInts('GatherElements', indices, 'indices'));
      return [takeFlat(data, flat, indices.dims)];
    },
  }),
];

/**
 * For every position of `indexDims` (row-major), the flat offset into a tensor of `dataDims` at the same coordinates
 * except on `axis`, where the index value is used. Shared by GatherElements and ScatterElements.
 */
export function elementOffsets(
  op: string, dataDims: readonly number[], indexDims: readonly number[], axis: number, index: readonly number[],
): Float64Array {
  const strides = stridesOf(dataDims);
  const rank = indexDims.length;
  const out = new Float64Array(index.length);
  const counter = new Array<number>(rank).fill(0);
  for (let p = 0; p < index.length; p++) {
    let offset = normalizeIndex(op, index[p], dataDims[axis], 'index') * strides[axis];
    for (let k = 0; k < rank; k++) if (k !== axis) offset += counter[k] * strides[k];
    out[p] = offset;
    for (let k = rank - 1; k >= 0; k--) {
      if (++counter[k] < indexDims[k]) break;
      counter[k] = 0;
    }
  }
  return out;
}
