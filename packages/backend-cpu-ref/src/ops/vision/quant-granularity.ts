/**
 * Quantization granularity of QuantizeLinear/DequantizeLinear, read from the scale's shape: per-tensor (one value),
 * per-axis (1-D, one value per slice of `axis`) or blocked (same rank as x, `axis` divided into blocks of
 * block_size). The result maps every element of x to the index of its scale and zero point.
 */
import { normalizeAxis, sameShape, type Tensor } from '@onnx-ts/core';

/** Index of the scale for each element of x, or undefined for per-tensor quantization (always index 0). */
export type ScaleIndex = Int32Array | undefined;

export interface GranularityArgs {
  axis: number;
  blockSize: number;
  /** Highest granularity the opset allows. */
  allow: 'tensor' | 'axis' | 'block';
}

export function scaleIndexFor(op: string, x: Tensor, scale: Tensor, zeroPoint: Tensor | undefined, a: GranularityArgs): ScaleIndex {
  // A scalar and a one-element 1-D tensor both mean per-tensor.
  const bothSingle = zeroPoint?.size === 1 && scale.size === 1 && zeroPoint.dims.length <= 1 && scale.dims.length <= 1;
  if (zeroPoint && !bothSingle && !sameShape(zeroPoint.dims, scale.dims)) {
    throw new Error(`${op}: zero point shape [${zeroPoint.dims.join(', ')}] must equal scale shape [${scale.dims.join(', ')}]`);
  }
  if (a.blockSize < 0) throw new Error(`${op}: block_size must be >= 0, got ${a.blockSize}`);
  if (scale.size === 1 && scale.dims.length <= 1 && a.blockSize === 0) return undefined;
  if (a.allow === 'tensor') {
    throw new Error(`${op}: this opset supports only a scalar scale, got shape [${scale.dims.join(', ')}]`);
  }
  const rank = x.dims.length;
  // A 1-D x has only one axis to quantize along, whatever the (default 1) axis attribute says.
  const axis = rank === 1 ? 0 : normalizeAxis(a.axis, rank, `${op}: axis`);
  const D = x.dims[axis];
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= x.dims[i];
  for (let i = axis + 1; i < rank; i++) inner *= x.dims[i];
  const index = new Int32Array(x.size);
  if (a.blockSize === 0) {
    if (scale.dims.length !== 1 || scale.dims[0] !== D) {
      throw new Error(`${op}: per-axis scale must be 1-D of length ${D} (x dim ${axis}), got [${scale.dims.join(', ')}]`);
    }
    for (let o = 0, i = 0; o < outer; o++) {
      for (let d = 0; d < D; d++) index.fill(d, i, (i += inner));
    }
    return index;
  }
  if (a.allow !== 'block') throw new Error(`${op}: block_size needs opset 21 or later`);
  const S = Math.ceil(D / a.blockSize);
  const expected = x.dims.map((d, i) => (i === axis ? S : d));
  if (!sameShape(scale.dims, expected)) {
    throw new Error(`${op}: blocked scale for x [${x.dims.join(', ')}], axis ${axis}, block_size ${a.blockSize} must have shape [${expected.join(', ')}], got [${scale.dims.join(', ')}]`);
  }
  for (let o = 0, i = 0; o < outer; o++) {
    for (let d = 0; d < D; d++) {
      const row = (o * S + Math.floor(d / a.blockSize)) * inner;
      for (let j = 0; j < inner; j++) index[i++] = row + j;
    }
  }
  return index;
}
