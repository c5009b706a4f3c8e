/**
 * Convolution as matrix products: per image and group, the weights [M/group, C/group·kernel] times the im2col matrix
 * [C/group·kernel, output positions]. A 1×1 kernel with unit strides and no padding multiplies the input directly,
 * and 3×3 stride-1 kernels go through Winograd's F(2×2, 3×3). The column matrix is built a tile of output positions
 * at a time, so its memory stays bounded.
 */
import { attr, shapeSize, type Tensor } from '@onnx-ts/core';
import { gemm } from '../../util/gemm.js';
import type { FloatArray } from './float-data.js';
import { winogradApplies, winogradConv } from './winograd.js';
import { im2col, type Window } from './window.js';

/** Attributes common to Conv, ConvTranspose and DeformConv. */
export const convAttrs = {
  auto_pad: attr.string('NOTSET'),
  dilations: attr.ints(),
  group: attr.int(1),
  kernel_shape: attr.ints(),
  pads: attr.ints(),
  strides: attr.ints(),
};

/** Elements of a column matrix built at once (4 MiB of float32). */
export const COLUMN_BUDGET = 1 << 20;
/** Fewest output positions per column tile, so the matrix product stays wide enough to run blocked. */
const MIN_TILE = 256;

/**
 * Checks the data and weight tensors of a convolution: same float type, data [N, C, spatial...] and weights
 * [dim0, dim1, kernel...] of the same rank, `kernel_shape` (when given) equal to the weights' spatial dims. Returns
 * the kernel dims.
 */
export function convKernel(op: string, x: Tensor, w: Tensor, kernelShape: readonly number[] | undefined): number[] {
  if (x.type !== w.type) throw new Error(`${op}: X is ${x.type} but W is ${w.type}; they must match`);
  if (x.dims.length < 3) throw new Error(`${op}: X must be [N, C, spatial...] (rank >= 3), got [${x.dims.join(', ')}]`);
  if (w.dims.length !== x.dims.length) {
    throw new Error(`${op}: W [${w.dims.join(', ')}] must have the rank of X [${x.dims.join(', ')}]`);
  }
  const kernel = w.dims.slice(2);
  if (kernelShape !== undefined && (kernelShape.length !== kernel.length || kernelShape.some((k, i) => k !== kernel[i]))) {
    throw new Error(`${op}: kernel_shape [${kernelShape.join(', ')}] differs from the spatial dims of W [${kernel.join(', ')}]`);
  }
  return kernel;
}

/** Checks `group` divides both channel counts. */
export function checkGroups(op: string, group: number, inChannels: number, outChannels: number): void {
  if (!(group >= 1)) throw new Error(`${op}: group must be >= 1, got ${group}`);
  if (inChannels % group !== 0 || outChannels % group !== 0) {
    throw new Error(`${op}: group ${group} must divide the ${inChannels} input and ${outChannels} output channels`);
  }
}

/** Checks the groups and that weights [M, C/group, kernel...] fit `inChannels` (Conv and DeformConv). */
export function checkConvWeights(op: string, w: Tensor, group: number, inChannels: number): void {
  checkGroups(op, group, inChannels, w.dims[0]);
  if (w.dims[1] * group !== inChannels) {
    throw new Error(
      `${op}: W [${w.dims.join(', ')}] needs ${w.dims[1] * group} input channels (W dim 1 × group ${group}), X has ${inChannels}`,
    );
  }
}

/** Checks the optional bias is a 1-D tensor of `count` values of the data's type. */
export function checkBias(op: string, b: Tensor | undefined, type: string, count: number): void {
  if (b === undefined) return;
  if (b.type !== type) throw new Error(`${op}: B is ${b.type} but X is ${type}; they must match`);
  if (b.dims.length !== 1 || b.size !== count) throw new Error(`${op}: B must be [${count}], got [${b.dims.join(', ')}]`);
}

/** Sets every output channel plane of `out` (batch × channels planes of planeSize) to its bias. */
export function fillBias(out: FloatArray, bias: FloatArray, batch: number, channels: number, planeSize: number): void {
  for (let n = 0; n < batch; n++) {
    for (let m = 0; m < channels; m++) {
      const at = (n * channels + m) * planeSize;
      out.fill(bias[m], at, at + planeSize);
    }
  }
}

export interface ConvProblem {
  batch: number;
  inChannels: number;
  outChannels: number;
  group: number;
  window: Window;
}

/** out[N, M, grid...] (+)= conv(x[N, C, image...], w[M, C/group, kernel...]); out must hold the bias or zeros. */
export function convolve(p: ConvProblem, x: FloatArray, w: FloatArray, out: FloatArray): void {
  if (winogradApplies(p)) {
    winogradConv(p, x, w, out);
    return;
  }
  const { batch, inChannels: C, outChannels: M, group, window } = p;
  const groupIn = C / group;
  const groupOut = M / group;
  const imageSize = shapeSize(window.image);
  const gridSize = shapeSize(window.grid);
  const depth = groupIn * shapeSize(window.kernel);
  const pointwise =
    window.kernel.every((k) => k === 1) && window.strides.every((s) => s === 1) &&
    window.padBegin.every((q) => q === 0) && window.padEnd.every((q) => q === 0);
  const tile = pointwise ? gridSize : Math.min(gridSize, Math.max(MIN_TILE, Math.floor(COLUMN_BUDGET / Math.max(depth, 1))));
  const col = pointwise ? undefined : x instanceof Float32Array ? new Float32Array(depth * tile) : new Float64Array(depth * tile);
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < group; g++) {
      const xAt = (n * C + g * groupIn) * imageSize;
      const outAt = (n * M + g * groupOut) * gridSize;
      for (let from = 0; from < gridSize; from += tile) {
        const to = Math.min(gridSize, from + tile);
        if (col) im2col(x, xAt, groupIn, window, from, to, col);
        gemm({
          transA: false, transB: false, M: groupOut, N: to - from, K: depth, alpha: 1, beta: 1,
          a: w, aOffset: g * groupOut * depth, lda: depth,
          b: col ?? x, bOffset: col ? 0 : xAt + from, ldb: col ? to - from : imageSize,
          c: out, cOffset: outAt + from, ldc: gridSize,
        });
      }
    }
  }
}
