/** Statistics and parameter checks shared by the normalization kernels. */
import { FLOAT_DTYPES, broadcastIndex, broadcastShapes, dtypeFromCode, sameShape, type DType, type Tensor } from '@onnx-ts/core';
import type { FloatArray } from './float-data.js';

/** Mean and population variance (two passes, so the variance is never negative) of values[start .. start+count). */
export function meanVariance(values: FloatArray, start: number, count: number): [mean: number, variance: number] {
  let sum = 0;
  for (let i = start; i < start + count; i++) sum += values[i];
  const mean = sum / count;
  let squares = 0;
  for (let i = start; i < start + count; i++) squares += (values[i] - mean) ** 2;
  return [mean, squares / count];
}

/** Mean and population variance of the elements at base + offsets[m]. */
export function gatheredMeanVariance(values: FloatArray, base: number, offsets: Int32Array): [mean: number, variance: number] {
  let sum = 0;
  for (let m = 0; m < offsets.length; m++) sum += values[base + offsets[m]];
  const mean = sum / offsets.length;
  let squares = 0;
  for (let m = 0; m < offsets.length; m++) squares += (values[base + offsets[m]] - mean) ** 2;
  return [mean, squares / offsets.length];
}

/** The float type a stash_type attribute names (the precision of the statistics and the type of saved outputs). */
export function stashType(op: string, code: number): DType {
  const type = Number.isInteger(code) && code > 0 ? dtypeFromCode(code) : undefined;
  if (type === undefined || !FLOAT_DTYPES.includes(type)) {
    throw new Error(`${op}: stash_type ${code} is not a float element type (1 float, 10 float16, 11 double, 16 bfloat16)`);
  }
  return type;
}

/**
 * A parameter tensor unidirectionally broadcast to `dims`: element i of the result reads the parameter at
 * index[i], or at i % period when the parameter fills the trailing dims (the usual case, needing no index table).
 */
export interface Broadcast {
  index: Int32Array | undefined;
  period: number;
}

export function broadcastParam(op: string, name: string, t: Tensor, dims: readonly number[]): Broadcast {
  let out: number[];
  try {
    out = broadcastShapes(dims, t.dims);
  } catch {
    out = [];
  }
  if (!sameShape(out, dims)) {
    throw new Error(`${op}: ${name} [${t.dims.join(', ')}] does not broadcast to X [${dims.join(', ')}]`);
  }
  const firstNonUnit = t.dims.findIndex((d) => d !== 1);
  const trailing = firstNonUnit < 0 ? [] : t.dims.slice(firstNonUnit);
  if (sameShape(trailing, dims.slice(dims.length - trailing.length))) return { index: undefined, period: Math.max(t.size, 1) };
  return { index: broadcastIndex(dims, t.dims), period: 1 };
}

/** Checks a per-channel parameter (scale, bias, mean, variance) holds `count` values of a float type. */
export function checkChannelParam(op: string, name: string, t: Tensor, count: number): void {
  if (!FLOAT_DTYPES.includes(t.type)) throw new Error(`${op}: ${name} must be a float tensor, got ${t.type}`);
  if (t.size !== count) throw new Error(`${op}: ${name} must hold ${count} values (one per channel), got [${t.dims.join(', ')}]`);
}
