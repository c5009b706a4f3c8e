/**
 * Window pooling shared by AveragePool, MaxPool and LpPool: the output positions are walked in blocks, and for each
 * block a table lists which elements of a channel plane every window covers. The table is the same for every plane,
 * so it is built once per block and reused across the N·C planes.
 */
import { attr, shapeSize, stridesOf, type Tensor } from '@onnx-ts/core';
import { floatBuffer, floatTensor, floatValues, type FloatArray } from './float-data.js';
import { slidingWindow, type Window } from './window.js';

export const poolAttrs = {
  auto_pad: attr.string('NOTSET'),
  ceil_mode: attr.int(0),
  dilations: attr.ints(),
  kernel_shape: attr.ints.required(),
  pads: attr.ints(),
  strides: attr.ints(),
};

export interface PoolShape {
  window: Window;
  /** N·C: pooling runs independently on each channel plane. */
  planes: number;
  imageSize: number;
  gridSize: number;
  outDims: number[];
}

export function poolShape(
  op: string, x: Tensor,
  a: { auto_pad: string; ceil_mode: number; dilations?: number[]; kernel_shape: number[]; pads?: number[]; strides?: number[] },
): PoolShape {
  if (x.dims.length < 3) throw new Error(`${op}: X must be [N, C, spatial...] (rank >= 3), got [${x.dims.join(', ')}]`);
  const window = slidingWindow(op, x.dims.slice(2), a.kernel_shape, a, a.ceil_mode !== 0);
  const outDims = [x.dims[0], x.dims[1], ...window.grid];
  return { window, planes: x.dims[0] * x.dims[1], imageSize: shapeSize(window.image), gridSize: shapeSize(window.grid), outDims };
}

/** Window elements listed per block of output positions (about a million entries per block). */
const TABLE_BUDGET = 1 << 20;

/** Which plane elements the windows of output positions [from, to) cover. */
export interface WindowTable {
  from: number;
  to: number;
  /** Window of position p: offsets[starts[p - from] .. starts[p - from + 1]). */
  starts: Int32Array;
  /** Plane offsets (row-major) of the window elements inside the image. */
  offsets: Int32Array;
  /** Per position, how many window elements lie inside the padded image (count_include_pad's divisor). */
  paddedCounts: Int32Array;
}

/** Calls `visit` with the window table of each block of output positions, in order. */
export function forEachWindowBlock(w: Window, visit: (table: WindowTable) => void): void {
  const rank = w.image.length;
  const kernelSize = shapeSize(w.kernel);
  const gridSize = shapeSize(w.grid);
  const gridStrides = stridesOf(w.grid);
  const imageStrides = stridesOf(w.image);
  const block = Math.max(1, Math.floor(TABLE_BUDGET / kernelSize));
  const offsets = new Int32Array(Math.min(block, gridSize) * kernelSize);
  const k = new Array<number>(rank);
  const start = new Array<number>(rank);
  for (let from = 0; from < gridSize; from += block) {
    const to = Math.min(gridSize, from + block);
    const starts = new Int32Array(to - from + 1);
    const paddedCounts = new Int32Array(to - from);
    let n = 0;
    for (let p = from; p < to; p++) {
      let rest = p;
      for (let d = 0; d < rank; d++) {
        const o = Math.floor(rest / gridStrides[d]);
        rest -= o * gridStrides[d];
        start[d] = o * w.strides[d] - w.padBegin[d];
      }
      k.fill(0);
      let padded = 0;
      for (let kp = 0; kp < kernelSize; kp++) {
        let offset = 0;
        let inImage = true;
        let inPadded = true;
        for (let d = 0; d < rank; d++) {
          const i = start[d] + k[d] * w.dilations[d];
          if (i < 0 || i >= w.image[d]) {
            inImage = false;
            if (i < -w.padBegin[d] || i >= w.image[d] + w.padEnd[d]) inPadded = false;
          }
          offset += i * imageStrides[d];
        }
        if (inImage) offsets[n++] = offset;
        if (inPadded) padded++;
        for (let d = rank - 1; d >= 0; d--) {
          if (++k[d] < w.kernel[d]) break;
          k[d] = 0;
        }
      }
      starts[p - from + 1] = n;
      paddedCounts[p - from] = padded;
    }
    visit({ from, to, starts, offsets, paddedCounts });
  }
}

/**
 * Global pooling: `reduce` turns the `size` values of each channel plane (from values[start]) into one; the output
 * is [N, C, 1, ...].
 */
export function globalPool(op: string, x: Tensor, reduce: (values: FloatArray, start: number, size: number) => number): Tensor {
  if (x.dims.length < 2) throw new Error(`${op}: X must be [N, C, spatial...], got [${x.dims.join(', ')}]`);
  const planes = x.dims[0] * x.dims[1];
  const size = shapeSize(x.dims.slice(2));
  const xs = floatValues(x);
  const out = floatBuffer(x.type, planes);
  for (let plane = 0; plane < planes; plane++) out[plane] = reduce(xs, plane * size, size);
  return floatTensor(x.type, out, [x.dims[0], x.dims[1], ...x.dims.slice(2).map(() => 1)]);
}
