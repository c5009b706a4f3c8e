/** Type-agnostic tensor data movement core needs for control flow: slicing along an axis and stacking. */
import { allocData, slotsPerElement } from './dtype.js';
import { normalizeAxis, stridesOf } from './shape-utils.js';
import { Tensor } from './tensor.js';

type Storage = { [i: number]: unknown; length: number };

/** The i-th slice of `t` along `axis`, with that axis removed. */
export function sliceAxis(t: Tensor, axis: number, i: number): Tensor {
  const a = normalizeAxis(axis, t.dims.length);
  const outer = t.dims.slice(0, a).reduce((x, y) => x * y, 1);
  const inner = t.dims.slice(a + 1).reduce((x, y) => x * y, 1) * slotsPerElement(t.type);
  const n = t.dims[a];
  const dims = [...t.dims.slice(0, a), ...t.dims.slice(a + 1)];
  const src = t.data as unknown as Storage;
  const out = allocData(t.type, outer * inner / slotsPerElement(t.type)) as unknown as Storage;
  for (let o = 0; o < outer; o++) {
    const from = (o * n + i) * inner;
    for (let k = 0; k < inner; k++) out[o * inner + k] = src[from + k];
  }
  return new Tensor(t.type, out as never, dims);
}

/** Stacks equal-shaped tensors along a new axis. */
export function stackAxis(parts: readonly Tensor[], axis: number): Tensor {
  const first = parts[0];
  const rank = first.dims.length + 1;
  const a = normalizeAxis(axis, rank);
  for (const p of parts) {
    if (p.type !== first.type || p.dims.length !== first.dims.length || p.dims.some((d, i) => d !== first.dims[i])) {
      throw new Error(`cannot stack ${p.type} [${p.dims.join(', ')}] with ${first.type} [${first.dims.join(', ')}]`);
    }
  }
  const dims = [...first.dims.slice(0, a), parts.length, ...first.dims.slice(a)];
  const outer = first.dims.slice(0, a).reduce((x, y) => x * y, 1);
  const inner = stridesOf(dims)[a] * slotsPerElement(first.type);
  const out = allocData(first.type, dims.reduce((x, y) => x * y, 1)) as unknown as Storage;
  parts.forEach((p, i) => {
    const src = p.data as unknown as Storage;
    for (let o = 0; o < outer; o++) {
      const to = (o * parts.length + i) * inner;
      for (let k = 0; k < inner; k++) out[to + k] = src[o * inner + k];
    }
  });
  return new Tensor(first.type, out as never, dims);
}
