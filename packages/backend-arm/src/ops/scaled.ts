/**
 * Scaled accumulators (lazy.ts, Scaled): int32 products stay int32 until something needs floats, so the float
 * ops that follow an integer product — Cast to float, Mul by the scales, Add of the bias, QuantizeLinear — run as
 * one pass over the accumulators (scaleToFloat, then quantize) instead of one float tensor per op. Each step rounds
 * to float32 exactly where the op it stands for would, so results are bit for bit those of the separate ops.
 */
import { Tensor, isTensor, type KernelInputs } from '@onnx-ts/core';
import { lazyTensor, originOf, type Scaled } from '../lazy.js';
import { PER_COLUMN, PER_TENSOR, type Runtime, type Scratch, runtime } from '../runtime.js';

const modeOf = (values: ArrayLike<number>): number => (values.length === 1 ? PER_TENSOR : PER_COLUMN);

/** Writes the float32 values of `o` (plus a bias, one value or one per column) into scratch; returns the address. */
export function scaledInto(rt: Runtime, scratch: Scratch, o: Scaled, bias?: Float32Array): number {
  const out = scratch.alloc(Math.max(o.rows * o.cols * 4, 4));
  const factor = o.factor ? scratch.put(o.factor) : 0;
  const biasAt = bias ? scratch.put(bias) : 0;
  rt.exports.scaleToFloat(
    scratch.put(o.acc), o.cols * 4, o.rows, o.cols, scratch.put(o.scale), modeOf(o.scale),
    factor, o.factor ? modeOf(o.factor) : PER_TENSOR, biasAt, bias ? modeOf(bias) : PER_TENSOR, out, o.cols * 4,
  );
  return out;
}

function decodeScaled(o: Scaled, bias?: Float32Array): Float32Array {
  const rt = runtime();
  return rt.withScratch((scratch) => rt.read(Float32Array, scaledInto(rt, scratch, o, bias), o.rows * o.cols));
}

/** A float32 tensor of `dims` standing for `o`, decoded when read. */
export function scaledTensor(o: Scaled, dims: readonly number[]): Tensor {
  return lazyTensor('float32', dims, () => decodeScaled(o), o);
}

/** The Scaled origin of input 0 or 1, that input, and the other one. */
function scaledInput(inputs: KernelInputs): { o: Scaled; self: Tensor; other: unknown } | undefined {
  for (const i of [0, 1]) {
    const o = originOf(inputs[i]);
    if (o?.kind === 'scaled') return { o, self: inputs[i] as Tensor, other: inputs[1 - i] };
  }
  return undefined;
}

/**
 * A float32 tensor that broadcasts onto `dims` along the last axis only (a scalar, or [..1.., cols]): its values,
 * one or one per column.
 */
function columnValues(v: unknown, dims: readonly number[]): Float32Array | undefined {
  if (!isTensor(v) || v.type !== 'float32' || v.dims.length > dims.length) return undefined;
  const last = v.dims.length ? v.dims[v.dims.length - 1] : 1;
  if (v.dims.slice(0, -1).some((d) => d !== 1) || (last !== 1 && last !== dims[dims.length - 1])) return undefined;
  return (v.data as Float32Array).slice();
}

/** Cast int32 → float32: the accumulators with scale 1 (round32 of an int32 is what Cast gives). */
export function castScaled(inputs: KernelInputs, to: number): Tensor[] | undefined {
  const x = inputs[0];
  if (!isTensor(x) || x.type !== 'int32' || to !== 1 || x.dims.length === 0 || x.size === 0) return undefined;
  const cols = x.dims[x.dims.length - 1];
  const o: Scaled = { kind: 'scaled', acc: (x.data as Int32Array).slice(), rows: x.size / cols, cols, scale: Float64Array.of(1) };
  return [scaledTensor(o, x.dims)];
}

/** Mul of scaled accumulators by per-column (or one) float32 values: the factor of the next rounding step. */
export function mulScaled(inputs: KernelInputs): Tensor[] | undefined {
  const s = scaledInput(inputs);
  if (!s || s.o.factor) return undefined;
  const factor = columnValues(s.other, s.self.dims);
  return factor && [scaledTensor({ ...s.o, factor }, s.self.dims)];
}

/** Add of a per-column (or one) float32 bias to scaled accumulators: the last step, giving a plain tensor. */
export function addScaled(inputs: KernelInputs): Tensor[] | undefined {
  const s = scaledInput(inputs);
  const bias = s && columnValues(s.other, s.self.dims);
  return bias && [new Tensor('float32', decodeScaled(s.o, bias), s.self.dims)];
}

/**
 * Add of a per-column (or one) float32 bias to a tensor dequantized per tensor from 8-bit values: one pass,
 * round32(round32((q - z)·s) + b), as DequantizeLinear then Add give it.
 */
export function addDequantized(inputs: KernelInputs): Tensor[] | undefined {
  for (const i of [0, 1]) {
    const o = originOf(inputs[i]);
    if (o?.kind !== 'dequantized' || o.axis !== undefined || o.blockSize !== 0 || (o.q.type !== 'int8' && o.q.type !== 'uint8')) continue;
    const dims = o.q.dims;
    const bias = columnValues(inputs[1 - i], dims);
    if (!bias || dims.length === 0) return undefined;
    const q = o.q.data as Int8Array | Uint8Array;
    const s = (o.scale.data as Float32Array)[0];
    const z = o.zeroPoint ? (o.zeroPoint.data as Int8Array | Uint8Array)[0] : 0;
    const cols = dims[dims.length - 1];
    const y = new Float32Array(q.length);
    const step = bias.length === 1 ? 0 : 1;
    for (let at = 0; at < q.length; at++) y[at] = Math.fround((q[at] - z) * s) + bias[step * (at % cols)];
    return [new Tensor('float32', y, dims)];
  }
  return undefined;
}
