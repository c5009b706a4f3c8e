/**
 * The convolution of ConvInteger and QLinearConv: geometry (pads, auto_pad, strides, dilations, groups), an N-D
 * im2col of the zero-point-shifted input, and the int32 GEMM. Padding contributes zero, i.e. the zero point.
 */
import { Tensor, attr, shapeSize } from '@onnx-ts/core';
import { gemmInt32, shiftByZeroPoint } from './integer-matmul.js';

export const CONV_ATTRS = {
  auto_pad: attr.string('NOTSET'),
  dilations: attr.ints(),
  group: attr.int(1),
  kernel_shape: attr.ints(),
  pads: attr.ints(),
  strides: attr.ints(),
};

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
  inSpatial: number[];
  kernel: number[];
  outSpatial: number[];
  strides: number[];
  dilations: number[];
  padsBegin: number[];
}

function perAxis(op: string, name: string, value: number[] | undefined, r: number, fallback: number): number[] {
  if (value === undefined) return new Array<number>(r).fill(fallback);
  if (value.length !== r) throw new Error(`${op}: ${name} has ${value.length} values, expected ${r}`);
  if (value.some((v) => v < 1)) throw new Error(`${op}: ${name} must be positive, got [${value.join(', ')}]`);
  return value;
}

export function convGeometry(op: string, x: Tensor, w: Tensor, a: ConvAttrs): ConvGeometry {
  const r = x.dims.length - 2;
  if (r < 1) throw new Error(`${op}: x must have rank >= 3 (N, C, spatial...), got [${x.dims.join(', ')}]`);
  if (w.dims.length !== r + 2) throw new Error(`${op}: w must have rank ${r + 2} to match x, got [${w.dims.join(', ')}]`);
  const [batch, inChannels, ...inSpatial] = x.dims;
  const [outChannels, groupChannels, ...kernel] = w.dims;
  const group = a.group;
  if (group < 1 || inChannels !== groupChannels * group || outChannels % group !== 0) {
    throw new Error(`${op}: group ${group} does not fit x channels ${inChannels}, w shape [${w.dims.join(', ')}]`);
  }
  if (a.kernel_shape && a.kernel_shape.join() !== kernel.join()) {
    throw new Error(`${op}: kernel_shape [${a.kernel_shape.join(', ')}] differs from w spatial dims [${kernel.join(', ')}]`);
  }
  const strides = perAxis(op, 'strides', a.strides, r, 1);
  const dilations = perAxis(op, 'dilations', a.dilations, r, 1);
  const extent = kernel.map((k, i) => (k - 1) * dilations[i] + 1);
  let padsBegin = new Array<number>(r).fill(0);
  let padsEnd = new Array<number>(r).fill(0);
  const outSpatial = new Array<number>(r);
  if (a.auto_pad === 'NOTSET') {
    if (a.pads) {
      if (a.pads.length !== 2 * r || a.pads.some((p) => p < 0)) {
        throw new Error(`${op}: pads must be ${2 * r} non-negative values, got [${a.pads.join(', ')}]`);
      }
      padsBegin = a.pads.slice(0, r);
      padsEnd = a.pads.slice(r);
    }
  } else if (a.auto_pad === 'SAME_UPPER' || a.auto_pad === 'SAME_LOWER') {
    for (let i = 0; i < r; i++) {
      const out = Math.ceil(inSpatial[i] / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + extent[i] - inSpatial[i]);
      const small = Math.floor(total / 2);
      padsBegin[i] = a.auto_pad === 'SAME_UPPER' ? small : total - small;
      padsEnd[i] = total - padsBegin[i];
    }
  } else if (a.auto_pad !== 'VALID') {
    throw new Error(`${op}: auto_pad '${a.auto_pad}' is not supported (expected NOTSET, SAME_UPPER, SAME_LOWER or VALID)`);
  }
  for (let i = 0; i < r; i++) {
    outSpatial[i] = Math.floor((inSpatial[i] + padsBegin[i] + padsEnd[i] - extent[i]) / strides[i]) + 1;
    if (outSpatial[i] < 0) {
      throw new Error(`${op}: kernel extent ${extent[i]} exceeds padded input ${inSpatial[i] + padsBegin[i] + padsEnd[i]} on spatial axis ${i}`);
    }
  }
  return { batch, inChannels, outChannels, group, inSpatial, kernel, outSpatial, strides, dilations, padsBegin };
}

/**
 * Unfolds `channels` channels of x starting at `offset` into col: one row per (channel, kernel position), one
 * column per output position; positions in the padding get 0.
 */
function im2col(x: Int32Array, offset: number, channels: number, g: ConvGeometry, col: Int32Array): void {
  const r = g.inSpatial.length;
  const kernelSize = shapeSize(g.kernel);
  const outSize = shapeSize(g.outSpatial);
  const inSize = shapeSize(g.inSpatial);
  const kpos = new Int32Array(r);
  const opos = new Int32Array(r);
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const plane = offset + c * inSize;
    for (let k = 0; k < kernelSize; k++, row++) {
      for (let d = r - 1, rest = k; d >= 0; d--) {
        kpos[d] = rest % g.kernel[d];
        rest = Math.floor(rest / g.kernel[d]);
      }
      opos.fill(0);
      for (let o = 0; o < outSize; o++) {
        let index = 0;
        let inside = true;
        for (let d = 0; d < r && inside; d++) {
          const at = opos[d] * g.strides[d] - g.padsBegin[d] + kpos[d] * g.dilations[d];
          inside = at >= 0 && at < g.inSpatial[d];
          index = index * g.inSpatial[d] + at;
        }
        col[row * outSize + o] = inside ? x[plane + index] : 0;
        for (let d = r - 1; d >= 0; d--) {
          if (++opos[d] < g.outSpatial[d]) break;
          opos[d] = 0;
        }
      }
    }
  }
}

/** Convolution of shifted int32 x (N, C, ...) with shifted int32 w (M, C/group, ...): int32 (N, M, ...out). */
export function convInt32(x: Int32Array, w: Int32Array, g: ConvGeometry): Int32Array {
  const outSize = shapeSize(g.outSpatial);
  const inSize = shapeSize(g.inSpatial);
  const groupIn = g.inChannels / g.group;
  const groupOut = g.outChannels / g.group;
  const depth = groupIn * shapeSize(g.kernel);
  const col = new Int32Array(depth * outSize);
  const y = new Int32Array(g.batch * g.outChannels * outSize);
  for (let n = 0; n < g.batch; n++) {
    for (let gi = 0; gi < g.group; gi++) {
      im2col(x, (n * g.inChannels + gi * groupIn) * inSize, groupIn, g, col);
      gemmInt32(groupOut, outSize, depth, w, gi * groupOut * depth, col, 0, y, (n * g.outChannels + gi * groupOut) * outSize);
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
