/**
 * The convolution of ConvInteger and QLinearConv: the zero-point-shifted input unfolded into a column matrix (the
 * sliding-window geometry and column layout are the float Conv's, from nn/window.ts) times the shifted weights in
 * int32. Padding reads as zero, i.e. as the zero point.
 */
import { Tensor, shapeSize } from '@onnx-ts/core';
import { checkGroups } from '../nn/convolution.js';
import { columnTargets, slidingWindow, type Window } from '../nn/window.js';
import { gemmInt32, shiftByZeroPoint } from './integer-matmul.js';

export { convAttrs as CONV_ATTRS } from '../nn/convolution.js';

export interface ConvAttrs {
  auto_pad: string;
  dilations: number[] | undefined;
  group: number;
  kernel_shape: number[] | undefined;
  pads: number[] | undefined;
  strides: number[] | undefined;
}

export interface ConvGeometry {
  batch: number;
  inChannels: number;
  outChannels: number;
  group: number;
  window: Window;
}

export function convGeometry(op: string, x: Tensor, w: Tensor, a: ConvAttrs): ConvGeometry {
  const r = x.dims.length - 2;
  if (r < 1) throw new Error(`${op}: x must have rank >= 3 (N, C, spatial...), got [${x.dims.join(', ')}]`);
  if (w.dims.length !== r + 2) throw new Error(`${op}: w must have rank ${r + 2} to match x, got [${w.dims.join(', ')}]`);
  const [batch, inChannels, ...image] = x.dims;
  const [outChannels, groupChannels, ...kernel] = w.dims;
  if (a.kernel_shape && a.kernel_shape.join() !== kernel.join()) {
    throw new Error(`${op}: kernel_shape [${a.kernel_shape.join(', ')}] differs from w spatial dims [${kernel.join(', ')}]`);
  }
  checkGroups(op, a.group, inChannels, outChannels);
  if (groupChannels * a.group !== inChannels) {
    throw new Error(`${op}: w has ${groupChannels} channels per group but x has ${inChannels} for group ${a.group}`);
  }
  return { batch, inChannels, outChannels, group: a.group, window: slidingWindow(op, image, kernel, a) };
}

/** Convolution of shifted int32 x (N, C, ...) with shifted int32 w (M, C/group, ...): int32 (N, M, ...grid). */
export function convInt32(x: Int32Array, w: Int32Array, g: ConvGeometry): Int32Array {
  const { window } = g;
  const gridSize = shapeSize(window.grid);
  const imageSize = shapeSize(window.image);
  const groupIn = g.inChannels / g.group;
  const groupOut = g.outChannels / g.group;
  const depth = groupIn * shapeSize(window.kernel);
  // Where each column entry reads within a group's planes (-1: padding); the same for every image and group.
  const targets = columnTargets(groupIn, window);
  const col = new Int32Array(targets.length);
  const y = new Int32Array(g.batch * g.outChannels * gridSize);
  for (let n = 0; n < g.batch; n++) {
    for (let gi = 0; gi < g.group; gi++) {
      const base = (n * g.inChannels + gi * groupIn) * imageSize;
      for (let i = 0; i < targets.length; i++) col[i] = targets[i] < 0 ? 0 : x[base + targets[i]];
      gemmInt32(groupOut, gridSize, depth, w, gi * groupOut * depth, col, 0, y, (n * g.outChannels + gi * groupOut) * gridSize);
    }
  }
  return y;
}

/** x minus its (per-tensor) zero point and w minus its per-tensor or per-output-channel zero point, as int32. */
export function shiftedOperands(op: string, x: Tensor, xZp: Tensor | undefined, w: Tensor, wZp: Tensor | undefined): [Int32Array, Int32Array] {
  if (xZp && xZp.size !== 1) throw new Error(`${op}: x_zero_point must be a scalar, got [${xZp.dims.join(', ')}]`);
  const rows = w.dims[0];
  const wMatrix = new Tensor(w.type, w.data, [rows, rows === 0 ? 0 : w.size / rows]);
  return [shiftByZeroPoint(op, 'x', x, xZp, 'row'), shiftByZeroPoint(op, 'w', wMatrix, wZp, 'row')];
}
