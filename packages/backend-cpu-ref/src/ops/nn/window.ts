/**
 * Sliding-window geometry shared by convolution and pooling (any number of spatial axes), and the im2col/col2im
 * rearrangements that turn a convolution into a matrix product.
 */
import { shapeSize, stridesOf } from '@onnx-ts/core';
import type { FloatArray } from './float-data.js';

/** Where a kernel is placed over an image: placement p on axis d covers image positions p·stride - padBegin + k·dilation. */
export interface Window {
  /** Spatial dims of the image the kernel slides over (the Conv input; the ConvTranspose and Col2Im output). */
  image: number[];
  /** Spatial dims of the grid of placements (the Conv output; the ConvTranspose input; Col2Im's blocks). */
  grid: number[];
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** May be negative for ConvTranspose with an output_shape larger than its natural size. */
  padBegin: number[];
  padEnd: number[];
}

/** The conv/pool attributes that place the window. */
export interface WindowAttrs {
  auto_pad: string;
  pads?: number[];
  strides?: number[];
  dilations?: number[];
}

/** One value per spatial axis from an optional attribute; throws naming it when the count is wrong or a value < min. */
export function perAxis(
  op: string, name: string, values: readonly number[] | undefined, rank: number, fallback: number, min: number,
): number[] {
  if (values === undefined) return new Array<number>(rank).fill(fallback);
  if (values.length !== rank) {
    throw new Error(`${op}: '${name}' has ${values.length} values, expected ${rank} (one per spatial axis)`);
  }
  for (const v of values) if (!(v >= min)) throw new Error(`${op}: '${name}' values must be >= ${min}, got [${values.join(', ')}]`);
  return [...values];
}

/** Explicit pads [begin..., end...]; throws naming the attribute when the count is wrong or a value is negative. */
export function readPads(op: string, pads: readonly number[] | undefined, rank: number): [number[], number[]] {
  if (pads === undefined) return [new Array<number>(rank).fill(0), new Array<number>(rank).fill(0)];
  if (pads.length !== 2 * rank) {
    throw new Error(`${op}: 'pads' has ${pads.length} values, expected ${2 * rank} (begin and end per spatial axis)`);
  }
  if (pads.some((p) => p < 0)) throw new Error(`${op}: 'pads' must not be negative, got [${pads.join(', ')}]`);
  return [pads.slice(0, rank), pads.slice(rank)];
}

/** The kernel extent along an axis once dilated. */
export function dilatedExtent(kernel: number, dilation: number): number {
  return (kernel - 1) * dilation + 1;
}

/**
 * Places a kernel over `image` per the conv/pool rules: explicit pads, or auto_pad SAME_UPPER/SAME_LOWER (output
 * ceil(in/stride), odd padding at the end/begin) or VALID (no padding). With ceilMode (pooling) the output size rounds
 * up, but a window may not start inside the end padding.
 */
export function slidingWindow(op: string, image: readonly number[], kernel: readonly number[], a: WindowAttrs, ceilMode = false): Window {
  const rank = image.length;
  if (kernel.length !== rank) {
    throw new Error(`${op}: kernel has ${kernel.length} spatial dims but the input has ${rank} ([${image.join(', ')}])`);
  }
  if (kernel.some((k) => !(k >= 1))) throw new Error(`${op}: kernel dims must be positive, got [${kernel.join(', ')}]`);
  const strides = perAxis(op, 'strides', a.strides, rank, 1, 1);
  const dilations = perAxis(op, 'dilations', a.dilations, rank, 1, 1);
  let padBegin: number[];
  let padEnd: number[];
  const grid = new Array<number>(rank);
  switch (a.auto_pad) {
    case 'NOTSET': case '':
      [padBegin, padEnd] = readPads(op, a.pads, rank);
      break;
    case 'VALID':
      padBegin = new Array<number>(rank).fill(0);
      padEnd = new Array<number>(rank).fill(0);
      break;
    case 'SAME_UPPER': case 'SAME_LOWER':
      padBegin = [];
      padEnd = [];
      for (let d = 0; d < rank; d++) {
        const out = Math.ceil(image[d] / strides[d]);
        const total = Math.max(0, (out - 1) * strides[d] + dilatedExtent(kernel[d], dilations[d]) - image[d]);
        const small = Math.floor(total / 2);
        padBegin.push(a.auto_pad === 'SAME_UPPER' ? small : total - small);
        padEnd.push(a.auto_pad === 'SAME_UPPER' ? total - small : small);
      }
      break;
    default:
      throw new Error(`${op}: auto_pad must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got '${a.auto_pad}'`);
  }
  for (let d = 0; d < rank; d++) {
    const span = image[d] + padBegin[d] + padEnd[d] - dilatedExtent(kernel[d], dilations[d]);
    if (span < 0) {
      throw new Error(
        `${op}: spatial axis ${d} of the input (${image[d]}, padded by ${padBegin[d]}+${padEnd[d]}) is smaller than the ` +
          `kernel (${kernel[d]}, dilation ${dilations[d]})`,
      );
    }
    let out = Math.floor(span / strides[d]) + 1;
    if (ceilMode && (a.auto_pad === 'NOTSET' || a.auto_pad === '')) {
      out = Math.ceil(span / strides[d]) + 1;
      if ((out - 1) * strides[d] >= image[d] + padBegin[d]) out--;
    }
    grid[d] = out;
  }
  return { image: [...image], grid, kernel: [...kernel], strides, dilations, padBegin, padEnd };
}

/**
 * The same placement for accelerated kernels, which hand attributes that place no window to the reference kernel
 * (whose slidingWindow then reports the precise error): undefined instead of an Error.
 */
export function placeWindow(image: readonly number[], kernel: readonly number[], a: WindowAttrs, ceilMode = false): Window | undefined {
  try {
    return slidingWindow('', image, kernel, a, ceilMode);
  } catch {
    return undefined;
  }
}

/**
 * Visits every (channel, kernel offset) row of the column matrix of grid positions [from, to), split into runs along
 * the last axis. For each run: the row, the first column of the run, its length, and where the run reads the image:
 * `imageRow` is the offset of the image row it walks (-1 when the run's outer coordinates fall in the padding),
 * `first` the position in that row of the run's first element, `step` the distance between elements.
 */
function forEachRun(
  channels: number, w: Window, from: number, to: number,
  visit: (row: number, column: number, length: number, imageRow: number, first: number, step: number) => void,
): void {
  const rank = w.image.length;
  const last = rank - 1;
  const gridStrides = stridesOf(w.grid);
  const imageStrides = stridesOf(w.image);
  const imageSize = shapeSize(w.image);
  const kernelSize = shapeSize(w.kernel);
  const k = new Array<number>(rank).fill(0);
  const o = new Array<number>(rank).fill(0);
  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let kp = 0; kp < kernelSize; kp++, row++) {
      for (let j = from; j < to;) {
        let rest = j;
        for (let d = 0; d < rank; d++) {
          o[d] = Math.floor(rest / gridStrides[d]);
          rest -= o[d] * gridStrides[d];
        }
        const length = Math.min(to, j + w.grid[last] - o[last]) - j;
        let imageRow = c * imageSize;
        for (let d = 0; d < last; d++) {
          const i = o[d] * w.strides[d] - w.padBegin[d] + k[d] * w.dilations[d];
          if (i < 0 || i >= w.image[d]) {
            imageRow = -1;
            break;
          }
          imageRow += i * imageStrides[d];
        }
        const first = o[last] * w.strides[last] - w.padBegin[last] + k[last] * w.dilations[last];
        visit(row, j - from, length, imageRow, first, w.strides[last]);
        j += length;
      }
      for (let d = last; d >= 0; d--) {
        if (++k[d] < w.kernel[d]) break;
        k[d] = 0;
      }
    }
  }
}

/**
 * Copies the receptive fields of grid positions [from, to) of `channels` image planes (starting at image[imageAt])
 * into `col`, one row per (channel, kernel offset) and one column per position; padding reads as zero.
 */
export function im2col(image: FloatArray, imageAt: number, channels: number, w: Window, from: number, to: number, col: FloatArray): void {
  const width = to - from;
  const lastDim = w.image[w.image.length - 1];
  forEachRun(channels, w, from, to, (row, column, length, imageRow, first, step) => {
    const out = row * width + column;
    if (imageRow < 0) {
      col.fill(0, out, out + length);
      return;
    }
    const base = imageAt + imageRow;
    for (let t = 0, i = first; t < length; t++, i += step) col[out + t] = i >= 0 && i < lastDim ? image[base + i] : 0;
  });
}

/**
 * The adjoint of im2col for grid positions [from, to): adds every entry of `col` into the image position it was read
 * from (entries that fall in the padding are dropped). `image` holds `channels` planes from image[imageAt].
 */
export function col2im(col: FloatArray, channels: number, w: Window, from: number, to: number, image: FloatArray, imageAt: number): void {
  const width = to - from;
  const lastDim = w.image[w.image.length - 1];
  forEachRun(channels, w, from, to, (row, column, length, imageRow, first, step) => {
    if (imageRow < 0) return;
    const src = row * width + column;
    const base = imageAt + imageRow;
    for (let t = 0, i = first; t < length; t++, i += step) if (i >= 0 && i < lastDim) image[base + i] += col[src + t];
  });
}

/**
 * For every entry of the column matrix of the whole grid (row-major, as im2col lays it out), the offset of the image
 * element it reads within `channels` planes, or -1 where it reads padding. Lets a caller scatter values of any type.
 */
export function columnTargets(channels: number, w: Window): Int32Array {
  const width = shapeSize(w.grid);
  const lastDim = w.image[w.image.length - 1];
  const targets = new Int32Array(channels * shapeSize(w.kernel) * width);
  forEachRun(channels, w, 0, width, (row, column, length, imageRow, first, step) => {
    const at = row * width + column;
    for (let t = 0, i = first; t < length; t++, i += step) {
      targets[at + t] = imageRow >= 0 && i >= 0 && i < lastDim ? imageRow + i : -1;
    }
  });
  return targets;
}
