/**
 * Data movement shared by the tensor ops, written once over any storage (typed arrays, string[], BigInt64Array, the
 * two slots of a complex element). Ops that rearrange elements along whole axes (Transpose, Slice, Split, Tile, Pad,
 * DepthToSpace, SpaceToDepth, ConstantOfShape) describe their output as per-axis source offsets and let
 * `gatherByAxisOffsets` do the one strided copy; index-driven ops (Gather, Compress, Unique, Expand's broadcast index)
 * use `selectAlongAxis` and `takeFlat`, and block writers (Concat, scatters) `copyElements`.
 */
import { Tensor, allocData, shapeSize, slotsPerElement, stridesOf } from '@onnx-ts/core';

/** The storage of any tensor type seen as indexable slots (complex types take two slots per element). */
export type Storage = { [i: number]: unknown; length: number };

export function storageOf(t: Tensor): Storage {
  return t.data as unknown as Storage;
}

/** Offsets first, first + step, ... for `count` positions along one output axis, in source elements. */
export function affineOffsets(count: number, first: number, step: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = first + i * step;
  return out;
}

/**
 * Builds a tensor of `outDims` whose element at coordinates (c0, ..., cn) is the element of `src` at element offset
 * base + offsets[0][c0] + ... + offsets[n][cn]. A negative entry in `offsets` marks a padding position: it is set to
 * `fill` (a one-element tensor of src's type) or left at the type's zero.
 */
export function gatherByAxisOffsets(
  src: Tensor,
  outDims: readonly number[],
  offsets: readonly ArrayLike<number>[],
  { base = 0, fill }: { base?: number; fill?: Tensor } = {},
): Tensor {
  const type = src.type;
  const slots = slotsPerElement(type);
  const size = shapeSize(outDims);
  const out = allocData(type, size) as unknown as Storage;
  const from = storageOf(src);
  const fillFrom = fill ? storageOf(fill) : undefined;
  const rank = outDims.length;
  if (size === 0) return new Tensor(type, out as never, outDims);
  if (rank === 0) {
    for (let s = 0; s < slots; s++) out[s] = from[base * slots + s];
    return new Tensor(type, out as never, outDims);
  }
  const inner = offsets[rank - 1];
  const rowLength = outDims[rank - 1];
  const counter = new Array<number>(rank - 1).fill(0);
  let o = 0;
  for (let row = 0; row < size / rowLength; row++) {
    let rowBase = base;
    let padded = false;
    for (let k = 0; k < rank - 1; k++) {
      const off = offsets[k][counter[k]];
      if (off < 0) padded = true;
      rowBase += off;
    }
    for (let j = 0; j < rowLength; j++, o++) {
      const off = inner[j];
      if (padded || off < 0) {
        if (fillFrom) for (let s = 0; s < slots; s++) out[o * slots + s] = fillFrom[s];
      } else if (slots === 1) {
        out[o] = from[rowBase + off];
      } else {
        const at = (rowBase + off) * slots;
        for (let s = 0; s < slots; s++) out[o * slots + s] = from[at + s];
      }
    }
    for (let k = rank - 2; k >= 0; k--) {
      if (++counter[k] < outDims[k]) break;
      counter[k] = 0;
    }
  }
  return new Tensor(type, out as never, outDims);
}

/** Copies a strided view of `src`: output element (c0, ..., cn) reads src at base + sum(c_k * strides[k]). */
export function copyStrided(src: Tensor, outDims: readonly number[], base: number, strides: readonly number[]): Tensor {
  // Negative offsets mean padding, so an axis walked backwards starts from its far end and moves that out of base.
  let start = base;
  const offsets = outDims.map((d, k) => {
    const far = strides[k] < 0 && d > 0 ? -(d - 1) * strides[k] : 0;
    start -= far;
    return affineOffsets(d, far, strides[k]);
  });
  return gatherByAxisOffsets(src, outDims, offsets, { base: start });
}

/** Permutes the axes of `src`: output axis k is input axis perm[k]. */
export function transposeTensor(src: Tensor, perm: readonly number[], op = 'Transpose'): Tensor {
  const rank = src.dims.length;
  const seen = new Set(perm);
  if (perm.length !== rank || seen.size !== rank || perm.some((p) => !(p >= 0 && p < rank))) {
    throw new Error(`${op}: perm [${perm.join(', ')}] is not a permutation of the ${rank} axes of the input`);
  }
  const strides = stridesOf(src.dims);
  return copyStrided(src, perm.map((p) => src.dims[p]), 0, perm.map((p) => strides[p]));
}

/** Copies `count` whole elements (every slot) from src at element srcStart to dst at element dstStart. */
export function copyElements(
  dst: Storage, dstStart: number, src: Storage, srcStart: number, count: number, slots: number,
): void {
  const n = count * slots;
  const d = dstStart * slots;
  const s = srcStart * slots;
  for (let i = 0; i < n; i++) dst[d + i] = src[s + i];
}

/** A tensor of `dims` with every element equal to the one element of `value` (every offset reads element 0). */
export function filledTensor(value: Tensor, dims: readonly number[]): Tensor {
  // One slot per element: a plain fill, which is what large weight tensors built by ConstantOfShape need to be fast.
  if (slotsPerElement(value.type) === 1) {
    const out = allocData(value.type, shapeSize(dims)) as unknown as { fill(v: unknown): unknown };
    out.fill(storageOf(value)[0]);
    return new Tensor(value.type, out as never, dims);
  }
  return gatherByAxisOffsets(value, dims, dims.map((d) => new Float64Array(d)));
}

/** The part of `src` from `start` for `length` positions along `axis` (the other axes whole). */
export function narrow(src: Tensor, axis: number, start: number, length: number): Tensor {
  const strides = stridesOf(src.dims);
  const dims = src.dims.map((d, i) => (i === axis ? length : d));
  return copyStrided(src, dims, start * strides[axis], strides);
}

/** A tensor of `outDims` whose element i is element flatIndex[i] of `src` (flat row-major element offsets). */
export function takeFlat(src: Tensor, flatIndex: ArrayLike<number>, outDims: readonly number[]): Tensor {
  const slots = slotsPerElement(src.type);
  const size = shapeSize(outDims);
  const out = allocData(src.type, size) as unknown as Storage;
  const from = storageOf(src);
  if (slots === 1) for (let i = 0; i < size; i++) out[i] = from[flatIndex[i]];
  else for (let i = 0; i < size; i++) copyElements(out, i, from, flatIndex[i], 1, slots);
  return new Tensor(src.type, out as never, outDims);
}

/**
 * Picks whole slices of `src` along `axis`: the output has `positionDims` in place of that axis, and the slice at each
 * of its positions is src's slice at positions[i] (already normalized to [0, dim)).
 */
export function selectAlongAxis(
  src: Tensor, axis: number, positions: ArrayLike<number>, positionDims: readonly number[] = [positions.length],
): Tensor {
  const slots = slotsPerElement(src.type);
  const outer = shapeSize(src.dims.slice(0, axis));
  const inner = shapeSize(src.dims.slice(axis + 1));
  const dim = src.dims[axis];
  const outDims = [...src.dims.slice(0, axis), ...positionDims, ...src.dims.slice(axis + 1)];
  const out = allocData(src.type, shapeSize(outDims)) as unknown as Storage;
  const from = storageOf(src);
  const n = positions.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) copyElements(out, (o * n + j) * inner, from, (o * dim + positions[j]) * inner, inner, slots);
  }
  return new Tensor(src.type, out as never, outDims);
}
