/**
 * Lazily decoded tensors. DequantizeLinear (and a Cast of float16 weights) on 'arm' returns a float tensor that
 * remembers where it came from and computes its data only when something reads it. A Conv, MatMul or Gemm on 'arm'
 * that receives such tensors runs on the stored integer (or half-size) data instead — which is how the QDQ pattern
 * DequantizeLinear → op → QuantizeLinear runs as an integer kernel without a graph rewrite. Any other consumer reads
 * `.data` and gets exactly the decoded values.
 */
import { Tensor, type DType, type TypedArray } from '@onnx-ts/core';

/** A float tensor that is `(q - zeroPoint) · scale` of a quantized tensor. */
export interface Dequantized {
  kind: 'dequantized';
  q: Tensor;
  scale: Tensor;
  zeroPoint?: Tensor;
  /** Quantized axis (normalized) for per-axis and blocked scales; undefined for a per-tensor scale. */
  axis?: number;
  /** Block length along `axis` for blocked scales, else 0. */
  blockSize: number;
}

/** A float32 tensor that is the float16 tensor `half` widened. */
export interface Widened {
  kind: 'widened';
  half: Tensor;
}

/**
 * A float32 tensor that is int32 accumulators (rows × cols) scaled to float32 as the ops it stands for would do it:
 * round32(acc · scale), then round32(· factor) when a later Mul gave one. scale (f64) and factor (f32) hold one
 * value or one per column.
 */
export interface Scaled {
  kind: 'scaled';
  acc: Int32Array;
  rows: number;
  cols: number;
  scale: Float64Array;
  factor?: Float32Array;
}

/**
 * A float32 tensor whose QuantizeLinear the producing kernel already computed (its only reader is that
 * QuantizeLinear, with these per-tensor parameters): `q` is the result.
 */
export interface Prequantized {
  kind: 'prequantized';
  q: Tensor;
  scale: number;
  zeroPoint: number;
}

export type Origin = Dequantized | Widened | Scaled | Prequantized;

const origins = new WeakMap<Tensor, Origin>();

const produced = new WeakSet<Tensor>();

/** Marks a tensor this backend's kernels made: nothing outside the run holds it, so it never changes. */
export function ownTensor<T extends Tensor>(t: T): T {
  produced.add(t);
  return t;
}

/** Whether `ownTensor` marked `t`. */
export function isOwnTensor(t: Tensor): boolean {
  return produced.has(t);
}

/** Where a lazily decoded tensor came from, if it is one. */
export function originOf(v: unknown): Origin | undefined {
  return v instanceof Tensor ? origins.get(v) : undefined;
}

/**
 * A tensor of `type` and `dims` whose data `decode` computes on first read. `decode` must not depend on data that
 * can change after the run (a feed the caller reuses): callers give it a snapshot of such data.
 */
export function lazyTensor(type: DType, dims: readonly number[], decode: () => TypedArray, origin: Origin): Tensor {
  const t = Tensor.onDevice(type, dims, 'cpu', undefined);
  let data: TypedArray | undefined;
  Object.defineProperty(t, 'data', { get: () => (data ??= decode()), enumerable: true });
  origins.set(t, origin);
  return t;
}
