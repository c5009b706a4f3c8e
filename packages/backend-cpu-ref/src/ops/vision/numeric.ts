/** Number handling shared by the vision and quantization kernels: integer ranges, rounding, precision emulation. */
import { Tensor, decodeFloatCode, encodeFloatCode, isBigIntType, type DType } from '@onnx-ts/core';
import { fromNumbers, numericKind, toNumbers } from '../../util/elementwise.js';

/** Representable range of each integer element type (sub-byte types included). */
export const INT_RANGES: Partial<Record<DType, readonly [number, number]>> = {
  int2: [-2, 1], uint2: [0, 3], int4: [-8, 7], uint4: [0, 15],
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], uint32: [0, 4294967295],
  int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], uint64: [0, Number.MAX_SAFE_INTEGER],
  bool: [0, 1],
};

/** Rounds to the nearest integer, ties to even (IEEE roundTiesToEven, numpy's rint). */
export function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const frac = v - floor;
  if (frac > 0.5) return floor + 1;
  if (frac < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Rounds a double to the precision of a float element type, emulating arithmetic carried out in that type. */
export function roundToType(type: DType, v: number): number {
  switch (type) {
    case 'float64': return v;
    case 'float32': return Math.fround(v);
    case 'float16': case 'bfloat16': return decodeFloatCode(type, encodeFloatCode(type, v));
    default: return v;
  }
}

/**
 * Builds a tensor from computed values (interpolations, pooled averages). Integer types round half to even and
 * saturate instead of wrapping, so an overshooting cubic never turns 256 into 0.
 */
export function fromComputed(type: DType, values: Float64Array, dims: readonly number[]): Tensor {
  const kind = numericKind(type);
  if (kind === 'float') return fromNumbers(type, values, dims);
  const [lo, hi] = INT_RANGES[type] ?? [-Infinity, Infinity];
  const rounded = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    rounded[i] = Number.isNaN(v) ? 0 : clamp(roundHalfEven(v), lo, hi);
  }
  return fromNumbers(type, rounded, dims);
}

/** Reads a tensor of a numeric type as numbers, naming the op and input when it is not numeric. */
export function numericValues(op: string, what: string, t: Tensor): Float64Array {
  if (t.type === 'string' || t.type === 'complex64' || t.type === 'complex128') {
    throw new Error(`${op}: ${what} must be numeric, got ${t.type}`);
  }
  return toNumbers(t);
}

/** Reads an int64/int32 tensor as exact integers (throws past 2^53 rather than losing precision). */
export function integerValues(op: string, what: string, t: Tensor): number[] {
  const out = new Array<number>(t.size);
  const data = t.data as ArrayLike<number | bigint>;
  for (let i = 0; i < t.size; i++) {
    const v = data[i];
    const n = Number(v);
    if (isBigIntType(t.type) && !Number.isSafeInteger(n)) throw new Error(`${op}: ${what} value ${v} is out of range`);
    out[i] = n;
  }
  return out;
}
