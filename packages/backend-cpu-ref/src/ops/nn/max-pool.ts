import { FLOAT_DTYPES, Tensor, allocData, attr, defineKernel, stridesOf } from '@onnx-ts/core';
import { tensorInput } from '../tensor/args.js';
import { floatBuffer, floatTensor, floatValues, type FloatArray } from './float-data.js';
import { forEachWindowBlock, poolAttrs, poolShape } from './pooling.js';

/** Converts a row-major plane offset to the column-major one (storage_order 1) over the same spatial dims. */
function columnMajor(offset: number, dims: readonly number[], rowStrides: readonly number[]): number {
  let index = 0;
  let colStride = 1;
  let rest = offset;
  const coords = dims.map((_, d) => {
    const c = Math.floor(rest / rowStrides[d]);
    rest -= c * rowStrides[d];
    return c;
  });
  for (let d = 0; d < dims.length; d++) {
    index += coords[d] * colStride;
    colStride *= dims[d];
  }
  return index;
}

/**
 * MaxPool: the largest element of each window (padding never wins). The optional Indices output holds the flat
 * index of each maximum in X, over N·C·spatial, with the spatial part row-major (storage_order 0) or column-major (1);
 * ties keep the first element, and a NaN wins as numpy's max lets it.
 */
export default [
  defineKernel({
    op: 'MaxPool', since: 1, dtypes: [...FLOAT_DTYPES, 'int8', 'uint8'],
    attrs: { ...poolAttrs, storage_order: attr.int(0) },
    run: (inputs, a, ctx) => {
      const x = tensorInput('MaxPool', inputs, 0, 'X');
      if (a.storage_order !== 0 && a.storage_order !== 1) throw new Error(`MaxPool: storage_order must be 0 or 1, got ${a.storage_order}`);
      const { window, planes, imageSize, gridSize, outDims } = poolShape('MaxPool', x, a);
      const size = planes * gridSize;
      ctx.checkAllocation(x.type, size);
      const isInt = x.type === 'int8' || x.type === 'uint8';
      const xs = isInt ? (x.data as Int8Array | Uint8Array) : floatValues(x);
      const out = isInt ? (allocData(x.type, size) as Int8Array | Uint8Array) : floatBuffer(x.type, size);
      const wantIndices = ctx.outputUsed[1] === true;
      const indices = wantIndices ? new BigInt64Array(size) : undefined;
      const rowStrides = stridesOf(window.image);
      forEachWindowBlock(window, ({ from, to, starts, offsets }) => {
        for (let plane = 0; plane < planes; plane++) {
          const base = plane * imageSize;
          const outBase = plane * gridSize;
          for (let p = from; p < to; p++) {
            let best = -Infinity;
            let at = -1;
            for (let e = starts[p - from]; e < starts[p - from + 1]; e++) {
              const v = xs[base + offsets[e]];
              if (at < 0 || v > best || (v !== v && best === best)) {
                best = v;
                at = offsets[e];
              }
            }
            out[outBase + p] = best;
            if (indices && at >= 0) {
              const inPlane = a.storage_order === 1 ? columnMajor(at, window.image, rowStrides) : at;
              indices[outBase + p] = BigInt(base + inPlane);
            }
          }
        }
      });
      const y = isInt ? new Tensor(x.type, out as Int8Array | Uint8Array, outDims) : floatTensor(x.type, out as FloatArray, outDims);
      return indices ? [y, new Tensor('int64', indices, outDims)] : [y];
    },
  }),
];
