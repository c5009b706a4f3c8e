/** Shape arithmetic every backend shares: broadcasting, strides, axis normalization. */

/** Row-major strides of a shape. */
export function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= dims[i];
  }
  return strides;
}

/** Numpy-style multidirectional broadcast of any number of shapes; throws naming both dims on a mismatch. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) {
        throw new Error(`shapes ${shapes.map((x) => `[${x.join(', ')}]`).join(' and ')} cannot be broadcast (dim ${d} vs ${out[o]})`);
      }
    }
  }
  return out;
}

/**
 * For every element of `outDims` (row-major), the offset of the element of an input of `inDims` that broadcasts to
 * it; undefined when the shapes are equal, so callers can index directly.
 */
export function broadcastIndex(outDims: readonly number[], inDims: readonly number[]): Int32Array | undefined {
  if (outDims.length === inDims.length && outDims.every((d, i) => d === inDims[i])) return undefined;
  const rank = outDims.length;
  const size = outDims.reduce((a, b) => a * b, 1);
  const inStrides = new Array<number>(rank).fill(0);
  const own = stridesOf(inDims);
  for (let i = 0; i < inDims.length; i++) {
    const o = rank - inDims.length + i;
    inStrides[o] = inDims[i] === 1 ? 0 : own[i];
  }
  const index = new Int32Array(size);
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < size; i++) {
    index[i] = offset;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      offset += inStrides[d];
      if (counter[d] < outDims[d]) break;
      offset -= inStrides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return index;
}

/** Normalizes a possibly negative axis into [0, rank); throws naming the op when it is out of range. */
export function normalizeAxis(axis: number, rank: number, what = 'axis'): number {
  if (axis < -rank || axis >= Math.max(rank, 1)) throw new Error(`${what} ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
