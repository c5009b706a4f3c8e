/**
 * QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear. Fast paths: float32 x and scales, 8-bit quantized
 * values (DequantizeLinear also int32 and unpacked int4/uint4), per-tensor or per-axis parameters; DequantizeLinear
 * also blocked ones. DequantizeLinear returns a lazily decoded tensor (see lazy.ts).
 */
import { Tensor, dtypeFromCode, isModelConstant, normalizeAxis, type DType, type KernelInputs } from '@onnx-ts/core';
import { toNumbers } from '@onnx-ts/backend-cpu-ref';
import { BYTE_TYPES, absent, isScalar, roundHalfToEven, tensorOf, withFastPath } from '../delegate.js';
import { isOwnTensor, lazyTensor, originOf, ownTensor, type Dequantized, type Origin } from '../lazy.js';
import { runtime } from '../runtime.js';
import { byteRange } from './integer-matmul.js';
import { scaledInto } from './scaled.js';

/** x viewed as (outer, d, inner) around the quantized axis; d = 1 for per-tensor parameters. */
interface Layout {
  outer: number;
  d: number;
  inner: number;
}

function layoutOf(dims: readonly number[], axis: number | undefined): Layout {
  if (axis === undefined) return { outer: 1, d: 1, inner: dims.reduce((p, v) => p * v, 1) };
  const outer = dims.slice(0, axis).reduce((p, v) => p * v, 1);
  const inner = dims.slice(axis + 1).reduce((p, v) => p * v, 1);
  return { outer, d: dims[axis], inner };
}

/**
 * The quantized axis of per-axis parameters (undefined for per-tensor ones), or null when scale and zero point do
 * not fit the fast path. A 1-D x is quantized along its only axis whatever `axis` says.
 */
function parameterAxis(x: Tensor, scale: Tensor, zp: Tensor | undefined, axis: number, perAxisAllowed: boolean): number | undefined | null {
  if (isScalar(scale) && (!zp || isScalar(zp))) return undefined;
  if (!perAxisAllowed || scale.dims.length !== 1 || x.dims.length === 0) return null;
  if (zp && (zp.dims.length !== 1 || zp.dims[0] !== scale.dims[0])) return null;
  let a: number;
  try {
    a = x.dims.length === 1 ? 0 : normalizeAxis(axis, x.dims.length, 'axis');
  } catch {
    return null;
  }
  return x.dims[a] === scale.dims[0] ? a : null;
}

/**
 * A scale with which (q - z)·s, rounded to float32, divides back to within 1e-4 of q - z for any 8-bit q and z:
 * positive, normal, and small enough that 255·s stays finite.
 */
export function isRoundTripScale(s: number): boolean {
  return s >= 2 ** -126 && s <= 2 ** 100;
}

/**
 * QuantizeLinear (per tensor) of a DequantizeLinear output (per tensor, 8-bit): the result depends only on each
 * quantized byte, so it is a 256-entry table built with the same float32 arithmetic as the two ops — exact, and no
 * float tensor is decoded.
 */
function requantizedByTable(x: unknown, scale: Tensor, zp: Tensor | undefined, type: DType): Tensor | undefined {
  const o = perTensorBytes(originOf(x));
  if (!o || !isScalar(scale) || (zp && !isScalar(zp)) || (type !== 'int8' && type !== 'uint8')) return undefined;
  return requantizeBytes(o, (scale.data as Float32Array)[0], zp ? (zp.data as Int8Array | Uint8Array)[0] : 0, type);
}

/** A DequantizeLinear origin of 8-bit values with per-tensor parameters, else undefined. */
export function perTensorBytes(o: Origin | undefined): Dequantized | undefined {
  if (o?.kind !== 'dequantized' || o.axis !== undefined || o.blockSize !== 0 || (o.q.type !== 'int8' && o.q.type !== 'uint8')) return undefined;
  return isScalar(o.scale) ? o : undefined;
}

/**
 * QuantizeLinear(scale sOut, zero point zOut, `type`) of the dequantized tensor `o` — or of its Relu, which for a
 * positive scale is the dequantization of max(q, zero point) — by a table of its bytes.
 */
export function requantizeBytes(o: Dequantized, sOut: number, zOut: number, type: 'int8' | 'uint8', relu = false): Tensor {
  const sIn = (o.scale.data as Float32Array)[0];
  const zIn = o.zeroPoint ? (o.zeroPoint.data as Int8Array | Uint8Array)[0] : 0;
  const [lo, hi] = byteRange(type);
  // Indexed by the stored byte: an int8 value v is byte v & 255.
  const table = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    const stored = o.q.type === 'int8' ? (b << 24) >> 24 : b;
    const value = relu ? Math.max(stored, zIn) : stored;
    const decoded = Math.fround((value - zIn) * sIn);
    const v = roundHalfToEven(Math.fround(decoded / sOut)) + zOut;
    table[b] = Number.isNaN(v) ? 0 : Math.min(hi, Math.max(lo, v));
  }
  const q = o.q.data as Int8Array | Uint8Array;
  const rt = runtime();
  const out = rt.withScratch((scratch) => {
    const y = scratch.alloc(q.length);
    rt.exports.mapBytes(scratch.put(q), q.length, scratch.put(table), y);
    return type === 'int8' ? rt.read(Int8Array, y, q.length) : rt.read(Uint8Array, y, q.length);
  });
  return new Tensor(type, out, o.q.dims);
}

/** QuantizeLinear of a tensor whose producer computed this very QuantizeLinear already (lazy.ts, Prequantized). */
function prequantized(x: unknown, scale: Tensor, zp: Tensor | undefined, type: DType): Tensor | undefined {
  const o = originOf(x);
  if (o?.kind !== 'prequantized' || !zp || !isScalar(scale) || !isScalar(zp)) return undefined;
  return o.q.type === type && o.scale === (scale.data as Float32Array)[0] && o.zeroPoint === (zp.data as Int8Array | Uint8Array)[0] ? o.q : undefined;
}

/** QuantizeLinear (per tensor) of scaled accumulators: their float32 values go from scratch straight to quantize. */
function quantizedAccumulators(x: unknown, scale: Tensor, zp: Tensor | undefined, type: 'int8' | 'uint8'): Tensor | undefined {
  const o = originOf(x);
  if (o?.kind !== 'scaled' || !isScalar(scale) || (zp && !isScalar(zp))) return undefined;
  const size = o.rows * o.cols;
  const [lo, hi] = byteRange(type);
  const rt = runtime();
  const data = rt.withScratch((scratch) => {
    const values = scaledInto(rt, scratch, o);
    const y = scratch.alloc(Math.max(size, 1));
    const zero = Float32Array.of(zp ? (zp.data as Int8Array | Uint8Array)[0] : 0);
    rt.exports.quantize(values, 1, 1, size, scratch.put(scale.data as Float32Array), scratch.put(zero), lo, hi, y);
    return type === 'int8' ? rt.read(Int8Array, y, size) : rt.read(Uint8Array, y, size);
  });
  return new Tensor(type, data, (x as Tensor).dims);
}

const quantizeLinear = withFastPath('QuantizeLinear', (inputs, attrs, ctx) => {
  const scale = tensorOf(inputs, 1, ['float32']);
  let zp: Tensor | undefined;
  if (!absent(inputs, 2)) {
    zp = tensorOf(inputs, 2, BYTE_TYPES);
    if (!zp) return undefined;
  }
  if (!scale || (ctx.opset >= 21 && attrs.block_size !== 0)) return undefined;
  if (ctx.opset >= 23 && attrs.precision !== 0) return undefined;
  const requested: DType | undefined = ctx.opset >= 21 && attrs.output_dtype !== 0 ? dtypeFromCode(attrs.output_dtype) : undefined;
  if (requested && zp && requested !== zp.type) return undefined;
  const type = zp?.type ?? requested ?? 'uint8';
  if (type !== 'int8' && type !== 'uint8') return undefined;
  const direct = prequantized(inputs[0], scale, zp, type) ?? requantizedByTable(inputs[0], scale, zp, type) ?? quantizedAccumulators(inputs[0], scale, zp, type);
  if (direct) return [ownTensor(direct)];
  const x = tensorOf(inputs, 0, ['float32']);
  if (!x || x.size === 0) return undefined;
  const axis = parameterAxis(x, scale, zp, attrs.axis, ctx.opset >= 13);
  if (axis === null) return undefined;
  const { outer, d, inner } = layoutOf(x.dims, axis);
  const zeros = zp ? Float32Array.from(zp.data as Int8Array | Uint8Array) : new Float32Array(d);
  const [lo, hi] = byteRange(type);
  const rt = runtime();
  const data = rt.withScratch((scratch) => {
    const y = scratch.alloc(x.size);
    rt.exports.quantize(scratch.put(x.data as Float32Array), outer, d, inner, scratch.put(scale.data as Float32Array), scratch.put(zeros), lo, hi, y);
    return type === 'int8' ? rt.read(Int8Array, y, x.size) : rt.read(Uint8Array, y, x.size);
  });
  return [ownTensor(new Tensor(type, data, x.dims))];
});

/** Decodes a dequantized tensor: per-tensor and per-axis in WebAssembly, blocked scales in plain loops. */
function decodeDequantized(src: Dequantized): Float32Array {
  const { q, scale, zeroPoint, axis, blockSize } = src;
  const scales = scale.data as Float32Array;
  const zeros = zeroPoint ? toNumbers(zeroPoint) : new Float64Array(scales.length);
  const values = q.data as Int8Array | Uint8Array | Int32Array;
  if (blockSize > 0) {
    const { outer, d, inner } = layoutOf(q.dims, axis);
    const blocks = Math.ceil(d / blockSize);
    const y = new Float32Array(q.size);
    for (let o = 0, i = 0; o < outer; o++) {
      for (let a = 0; a < d; a++) {
        const row = (o * blocks + Math.floor(a / blockSize)) * inner;
        for (let j = 0; j < inner; j++, i++) y[i] = (values[i] - zeros[row + j]) * scales[row + j];
      }
    }
    return y;
  }
  const { outer, d, inner } = layoutOf(q.dims, axis);
  const rt = runtime();
  return rt.withScratch((scratch) => {
    const y = scratch.alloc(q.size * 4);
    const width = values instanceof Int32Array ? 4 : 1;
    rt.exports.dequantize(scratch.put(values), width, values instanceof Uint8Array ? 0 : 1, outer, d, inner, scratch.put(scales), scratch.put(Float32Array.from(zeros)), y);
    return rt.read(Float32Array, y, q.size);
  });
}

/**
 * The decoder of a lazily dequantized tensor, reading a copy of the quantized values (and parameters) taken now:
 * kernels read `origin.q` during the run, but a decode after it must not see a feed the caller has reused since.
 */
export function decodeLater(origin: Dequantized): () => Float32Array {
  // Weights and this backend's own outputs never change: only other tensors (feeds) are copied.
  const copy = (t: Tensor): Tensor => (isModelConstant(t) || isOwnTensor(t) ? t : new Tensor(t.type, (t.data as Int8Array).slice(), t.dims));
  const snapshot: Dequantized = { ...origin, q: copy(origin.q), scale: copy(origin.scale), zeroPoint: origin.zeroPoint && copy(origin.zeroPoint) };
  return () => decodeDequantized(snapshot);
}

const DEQUANTIZED_TYPES = ['int8', 'uint8', 'int32', 'int4', 'uint4'];

/** Whether blocked parameters fit x: same rank, axis dim divided into ceil(d / blockSize) blocks. */
function blockedFits(x: Tensor, scale: Tensor, zp: Tensor | undefined, axis: number, blockSize: number): boolean {
  if (scale.dims.length !== x.dims.length || (zp && zp.dims.join() !== scale.dims.join())) return false;
  return x.dims.every((d, i) => scale.dims[i] === (i === axis ? Math.ceil(d / blockSize) : d));
}

const dequantizeLinear = withFastPath('DequantizeLinear', (inputs: KernelInputs, attrs, ctx) => {
  const x = tensorOf(inputs, 0, DEQUANTIZED_TYPES);
  const scale = tensorOf(inputs, 1, ['float32']);
  if (!x || !scale || x.size === 0) return undefined;
  if ((x.type === 'int4' || x.type === 'uint4') && ctx.opset < 21) return undefined;
  let zp: Tensor | undefined;
  if (!absent(inputs, 2)) {
    zp = tensorOf(inputs, 2, [x.type]);
    if (!zp) return undefined;
    // Zero points past 2^24 are not exact in the float32 the WebAssembly kernel subtracts in.
    if (x.type === 'int32' && (zp.data as Int32Array).some((v) => Math.abs(v) > 2 ** 24)) return undefined;
  }
  if (ctx.opset >= 23 && attrs.output_dtype !== 0 && attrs.output_dtype !== 1) return undefined;
  const blockSize = ctx.opset >= 21 ? attrs.block_size : 0;
  let axis: number | undefined;
  if (blockSize > 0) {
    if (x.dims.length === 0) return undefined;
    try {
      axis = normalizeAxis(attrs.axis, x.dims.length, 'axis');
    } catch {
      return undefined;
    }
    if (!blockedFits(x, scale, zp, axis, blockSize)) return undefined;
  } else if (blockSize === 0) {
    const a = parameterAxis(x, scale, zp, attrs.axis, ctx.opset >= 13);
    if (a === null) return undefined;
    axis = a;
  } else {
    return undefined;
  }
  const origin: Dequantized = { kind: 'dequantized', q: x, scale, zeroPoint: zp, axis, blockSize };
  return [lazyTensor('float32', x.dims, decodeLater(origin), origin)];
});

const dynamicQuantizeLinear = withFastPath('DynamicQuantizeLinear', (inputs) => {
  const x = tensorOf(inputs, 0, ['float32']);
  if (!x || x.size === 0) return undefined;
  const rt = runtime();
  return rt.withScratch((scratch) => {
    const xAt = scratch.put(x.data as Float32Array);
    const range = scratch.alloc(8);
    rt.exports.rangeWithZero(xAt, x.size, range);
    const [min, max] = rt.read(Float32Array, range, 2);
    // The operator's function body, in float32: scale = (max - min) / 255, zero point = round(saturate(0 - min / scale)).
    const scale = Math.fround(Math.fround(max - min) / 255);
    const zeroPoint = scale === 0 ? 0 : roundHalfToEven(Math.min(255, Math.max(0, 0 - Math.fround(min / scale))));
    const y = scratch.alloc(x.size);
    if (scale === 0) rt.view(Uint8Array, y, x.size).fill(0);
    else rt.exports.quantize(xAt, 1, 1, x.size, scratch.put(Float32Array.of(scale)), scratch.put(Float32Array.of(zeroPoint)), 0, 255, y);
    return [
      new Tensor('uint8', rt.read(Uint8Array, y, x.size), x.dims),
      new Tensor('float32', Float32Array.of(scale), []),
      new Tensor('uint8', Uint8Array.of(zeroPoint), []),
    ];
  });
});

export default [...quantizeLinear, ...dequantizeLinear, ...dynamicQuantizeLinear];
