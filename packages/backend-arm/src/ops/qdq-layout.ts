/**
 * Ops between quantized layers in the QDQ format that stay on the quantized bytes:
 * - MaxPool of a tensor dequantized per tensor with a positive scale is the dequantization of the max-pooled bytes
 *   (dequantizing is non-decreasing, and with these attributes every window holds at least one element);
 * - Concat whose only reader is a QuantizeLinear (directly or through a MaxPool, readers.ts): each input's bytes
 *   requantized by its own table (quantize.ts), or already quantized by its producer (a Relu, Conv or Concat whose
 *   QuantizeLinear lies beyond this Concat), then concatenated — the bytes that QuantizeLinear would give, and no
 *   float tensor in between; such a MaxPool then pools those bytes;
 * - Sum/Add of two dequantized tensors whose only reader is a QuantizeLinear (directly or through a Relu or MaxPool):
 *   one pass over the bytes, and such a Relu is max(q, zero point) of the result; with other readers, or a float
 *   input (a residual's shortcut), one pass into float32.
 * Each output is a float tensor whose data, if anything reads it, is computed then (lazy.ts, Prequantized).
 */
import { Tensor, normalizeAxis, type KernelContext, type KernelInputs } from '@onnx-ts/core';
import cpuRef from '@onnx-ts/backend-cpu-ref';
import { conv2dGeometry } from '../conv-geometry.js';
import { kernelsOf, withFastPath } from '../delegate.js';
import type { ByteData } from '../int-ops.js';
import { lazyTensor, originOf, ownTensor, type Dequantized } from '../lazy.js';
import { quantizeAfter, quantizingReader, soleReader, type QuantizeAfter } from '../readers.js';
import { runtime } from '../runtime.js';
import { floatKernels } from './float-kernels.js';
import { byteRange } from './integer-matmul.js';
import { decodeLater, isRoundTripScale, perTensorBytes, requantizeBytes } from './quantize.js';

interface PoolAttributes {
  auto_pad: string;
  ceil_mode: number;
  dilations?: number[];
  kernel_shape: number[];
  pads?: number[];
  strides?: number[];
}

/** MaxPool of 8-bit values (undefined where a window could hold no element, or the geometry is not 1-D/2-D). */
function poolBytes(q: Tensor, attrs: PoolAttributes, ctx: KernelContext): Tensor | undefined {
  const kernel = attrs.kernel_shape;
  if (ctx.outputUsed[1] || attrs.ceil_mode || (attrs.pads ?? []).some((p, i) => p >= kernel[i % kernel.length])) return undefined;
  // The geometry of a depthwise convolution with the same window (one filter per channel).
  const channels = q.dims[1];
  const g = conv2dGeometry(q.dims, [channels, 1, ...kernel], { ...attrs, group: channels });
  if (!g) return undefined;
  const signed = q.type === 'int8';
  const size = g.batch * channels * g.oh * g.ow;
  ctx.checkAllocation(q.type, size);
  const rt = runtime();
  const pooled = rt.withScratch((scratch) => {
    const y = scratch.alloc(size);
    rt.exports.maxPoolBytes(scratch.put(q.data as ByteData), g.batch * channels, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padLeft, g.oh, g.ow, signed ? 1 : 0, y);
    return signed ? rt.read(Int8Array, y, size) : rt.read(Uint8Array, y, size);
  });
  return ownTensor(new Tensor(q.type, pooled, g.outDims));
}

const maxPool = withFastPath('MaxPool', (inputs: KernelInputs, attrs: PoolAttributes, ctx) => {
  const origin = originOf(inputs[0]);
  if (origin?.kind === 'prequantized') {
    // The QuantizeLinear after this MaxPool, computed before it (readers.ts, quantizeAfter).
    const q = poolBytes(origin.q, attrs, ctx);
    const floats = (): Float32Array => reference('MaxPool', inputs, attrs, ctx).data as Float32Array;
    return q && [lazyTensor('float32', q.dims, floats, { ...origin, q })];
  }
  const x = perTensorBytes(origin);
  if (!x || !((x.scale.data as Float32Array)[0] > 0) || ctx.opset < 12) return undefined;
  const q = poolBytes(x.q, attrs, ctx);
  if (!q) return undefined;
  const pooled: Dequantized = { ...x, q };
  return [lazyTensor('float32', q.dims, decodeLater(pooled), pooled)];
}, floatKernels('MaxPool'));

/** Runs the reference kernel of `op` for the node's opset; its first output. */
export function reference(op: string, inputs: KernelInputs, attrs: unknown, ctx: KernelContext): Tensor {
  const kernel = kernelsOf(cpuRef.kernels, op).find((k) => k.since <= ctx.opset && (k.until === undefined || ctx.opset <= k.until));
  const out = kernel?.run(inputs, attrs as never, ctx);
  if (!out || out instanceof Promise || !(out[0] instanceof Tensor)) throw new Error(`backend-arm: no reference ${op} for opset ${ctx.opset}`);
  return out[0];
}

/** Concatenates tensors of one type along `axis` (dims checked); undefined when they do not fit. */
function concatAlong(parts: Tensor[], axis: number): Tensor | undefined {
  const rank = parts[0].dims.length;
  let a: number;
  try {
    a = normalizeAxis(axis, rank, 'axis');
  } catch {
    return undefined;
  }
  const fits = parts.every((p) => p.type === parts[0].type && p.dims.length === rank && p.dims.every((d, i) => i === a || d === parts[0].dims[i]));
  if (!fits) return undefined;
  const dims = [...parts[0].dims];
  dims[a] = parts.reduce((sum, p) => sum + p.dims[a], 0);
  const outer = dims.slice(0, a).reduce((p, d) => p * d, 1);
  const first = parts[0].data as ByteData | Float32Array;
  const out = new (first.constructor as new (length: number) => ByteData | Float32Array)(dims.reduce((p, d) => p * d, 1));
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const chunk = p.size / outer;
      out.set((p.data as typeof first).subarray(o * chunk, (o + 1) * chunk), at);
      at += chunk;
    }
  }
  return new Tensor(parts[0].type, out, dims);
}

/**
 * The bytes that `next` gives for a Concat input: its producer's own (a Prequantized origin with these parameters),
 * or a dequantized tensor's bytes requantized by a table; undefined for any other input.
 */
function bytesFor(v: unknown, next: QuantizeAfter): Tensor | undefined {
  const origin = originOf(v);
  if (origin?.kind === 'prequantized') {
    const same = origin.q.type === next.type && origin.scale === next.scale && origin.zeroPoint === next.zeroPoint;
    return same ? origin.q : undefined;
  }
  const x = perTensorBytes(origin);
  return x && requantizeBytes(x, next.scale, next.zeroPoint, next.type);
}

const concat = withFastPath('Concat', (inputs: KernelInputs, attrs: { axis: number }, ctx) => {
  const next = quantizeAfter(ctx);
  if (!next || inputs.length === 0) return undefined;
  const parts: Tensor[] = [];
  for (const v of inputs) {
    const bytes = bytesFor(v, next);
    if (!bytes) return undefined;
    parts.push(bytes);
  }
  const q = concatAlong(parts, attrs.axis);
  if (!q) return undefined;
  // Only that QuantizeLinear reads the floats, during this run, if at all.
  const floats = (): Float32Array => concatAlong(inputs as Tensor[], attrs.axis)!.data as Float32Array;
  return [lazyTensor('float32', q.dims, floats, { kind: 'prequantized', q: ownTensor(q), scale: next.scale, zeroPoint: next.zeroPoint })];
}, floatKernels('Concat'));

/**
 * Sum or Add of two tensors of one shape, each dequantized per tensor from 8-bit values, whose only reader is a
 * QuantizeLinear (directly or through Relu/MaxPool): the bytes of that QuantizeLinear in one pass (the residual
 * additions of a quantized ResNet).
 */
export function sumToBytes(op: string, inputs: KernelInputs, attrs: unknown, ctx: KernelContext): Tensor[] | undefined {
  if (inputs.length !== 2) return undefined;
  const [a, b] = inputs.map((v) => perTensorBytes(originOf(v)));
  if (!a || !b || a.q.dims.join() !== b.q.dims.join()) return undefined;
  const [sa, sb] = [a, b].map((o) => (o.scale.data as Float32Array)[0]);
  // Finite values: quantizeAfter may look through a Relu or MaxPool.
  if (!isRoundTripScale(sa) || !isRoundTripScale(sb)) return undefined;
  const next = quantizeAfter(ctx);
  if (!next) return undefined;
  const zero = (o: Dequantized): number => (o.zeroPoint ? (o.zeroPoint.data as ByteData)[0] : 0);
  const [lo, hi] = byteRange(next.type);
  const n = a.q.size;
  const rt = runtime();
  const bytes = rt.withScratch((scratch) => {
    const y = scratch.alloc(n);
    rt.exports.addToBytes(
      scratch.put(a.q.data as ByteData), a.q.type === 'int8' ? 1 : 0, sa, zero(a),
      scratch.put(b.q.data as ByteData), b.q.type === 'int8' ? 1 : 0, sb, zero(b),
      n, next.scale, next.zeroPoint, lo, hi, y,
    );
    return next.type === 'int8' ? rt.read(Int8Array, y, n) : rt.read(Uint8Array, y, n);
  });
  const q = ownTensor(new Tensor(next.type, bytes, a.q.dims));
  const floats = (): Float32Array => reference(op, inputs, attrs, ctx).data as Float32Array;
  return [lazyTensor('float32', q.dims, floats, { kind: 'prequantized', q, scale: next.scale, zeroPoint: next.zeroPoint })];
}

/** How addToFloat (assembly/quant.ts) reads an operand. */
const OPERAND_KINDS = { float32: 0, uint8: 1, int8: 2 } as const;

/** Outputs of sumToFloat that hold their Relu already (their only reader is that Relu). */
const rectified = new WeakSet<Tensor>();

/** Whether `v` is a tensor whose values a Relu leaves as they are, because sumToFloat applied it. */
export function isRectified(v: unknown): v is Tensor {
  return v instanceof Tensor && rectified.has(v);
}

/**
 * Sum or Add of two float32 tensors of one shape, at least one of them dequantized per tensor from 8-bit values
 * (a quantized ResNet's residual, whose shortcut stays float): one pass over the bytes and floats into float32, with
 * the roundings of DequantizeLinear and the float addition. When a Relu alone reads the result, the pass applies it
 * too, and that Relu passes the tensor on (isRectified).
 */
export function sumToFloat(inputs: KernelInputs, ctx: KernelContext): Tensor[] | undefined {
  if (inputs.length !== 2) return undefined;
  const tensors = inputs.filter((v): v is Tensor => v instanceof Tensor && v.type === 'float32');
  if (tensors.length !== 2 || tensors[0].dims.join() !== tensors[1].dims.join()) return undefined;
  const origins = tensors.map((t) => perTensorBytes(originOf(t)));
  if (!origins[0] && !origins[1]) return undefined;
  const n = tensors[0].size;
  ctx.checkAllocation('float32', n);
  const reader = soleReader(ctx);
  const rectify = reader?.opType === 'Relu' && reader.domain === 'ai.onnx';
  // A QuantizeLinear of the result (after that Relu) gets its bytes from the same pass.
  const found = quantizingReader(ctx, rectify ? reader : undefined);
  const next = found && found.scale > 0 ? found : undefined;
  const [lo, hi] = next ? byteRange(next.type) : [0, 0];
  const rt = runtime();
  const [sum, q] = rt.withScratch((scratch) => {
    const operands = tensors.map((t, i) => {
      const o = origins[i];
      if (!o) return [scratch.put(t.data as Float32Array), OPERAND_KINDS.float32, 0, 0];
      const zero = o.zeroPoint ? (o.zeroPoint.data as ByteData)[0] : 0;
      return [scratch.put(o.q.data as ByteData), OPERAND_KINDS[o.q.type as 'int8' | 'uint8'], (o.scale.data as Float32Array)[0], zero];
    });
    const y = scratch.alloc(n * 4);
    const bytes = next ? scratch.alloc(n) : 0;
    const [[a, kindA, sa, za], [b, kindB, sb, zb]] = operands;
    rt.exports.addToFloat(a, kindA, sa, za, b, kindB, sb, zb, n, rectify ? 1 : 0, y, bytes, next?.scale ?? 1, next?.zeroPoint ?? 0, lo, hi);
    const quantized = next && (next.type === 'int8' ? rt.read(Int8Array, bytes, n) : rt.read(Uint8Array, bytes, n));
    return [rt.read(Float32Array, y, n), quantized] as const;
  });
  const dims = tensors[0].dims;
  const out = next && q
    ? lazyTensor('float32', dims, () => sum, { kind: 'prequantized', q: ownTensor(new Tensor(next.type, q, dims)), scale: next.scale, zeroPoint: next.zeroPoint })
    : new Tensor('float32', sum, dims);
  if (rectify) rectified.add(out);
  return [out];
}

/** max(q, floor) of 8-bit values, as a new tensor of this backend's. */
export function maxWith(q: Tensor, floor: number): Tensor {
  const source = q.data as ByteData;
  const signed = source instanceof Int8Array;
  const rt = runtime();
  const bytes = rt.withScratch((scratch) => {
    const y = scratch.alloc(source.length);
    rt.exports.maxBytes(scratch.put(source), source.length, floor, signed ? 1 : 0, y);
    return signed ? rt.read(Int8Array, y, source.length) : rt.read(Uint8Array, y, source.length);
  });
  return ownTensor(new Tensor(q.type, bytes, q.dims));
}

/** Relu of a tensor whose QuantizeLinear (positive scale) was computed before it: max(q, zero point) on the bytes. */
export function reluOfPrequantized(inputs: KernelInputs, attrs: unknown, ctx: KernelContext): Tensor[] | undefined {
  const origin = originOf(inputs[0]);
  if (origin?.kind !== 'prequantized' || !(origin.scale > 0)) return undefined;
  const q = maxWith(origin.q, origin.zeroPoint);
  const floats = (): Float32Array => reference('Relu', inputs, attrs, ctx).data as Float32Array;
  return [lazyTensor('float32', q.dims, floats, { ...origin, q })];
}

const sum = withFastPath('Sum', (inputs: KernelInputs, attrs, ctx) => sumToBytes('Sum', inputs, attrs, ctx) ?? sumToFloat(inputs, ctx), floatKernels('Sum'));

export default [...maxPool, ...concat, ...sum];
