/**
 * Linear quantization arithmetic: scales and zero points from a range, quantizing float tensors per tensor, per
 * channel (along an axis) or per block, and how far the dequantized values land from the originals.
 */
import { Tensor } from '@onnx-ts/core';

export type QuantType = 'int8' | 'uint8' | 'int4';

const LIMITS: Record<QuantType, [number, number]> = { int8: [-128, 127], uint8: [0, 255], int4: [-8, 7] };

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

/**
 * Scale and zero point covering [lo, hi] (widened to include 0, so zero is exact). Signed types are symmetric
 * (zero point 0, scale from the larger magnitude over the positive limit); uint8 is asymmetric.
 */
export function paramsForRange(lo: number, hi: number, type: QuantType): QuantParams {
  const [qmin, qmax] = LIMITS[type];
  const min = Math.min(lo, 0);
  const max = Math.max(hi, 0);
  if (type !== 'uint8') {
    const m = Math.max(Math.abs(min), Math.abs(max));
    return { scale: m > 0 ? m / qmax : 1, zeroPoint: 0 };
  }
  if (max === min) return { scale: 1, zeroPoint: 0 };
  const scale = (max - min) / (qmax - qmin);
  const zeroPoint = Math.min(qmax, Math.max(qmin, Math.round(qmin - min / scale)));
  return { scale, zeroPoint };
}

export function quantizeValue(v: number, p: QuantParams, type: QuantType): number {
  const [qmin, qmax] = LIMITS[type];
  // Round half to even, as QuantizeLinear does.
  const x = v / p.scale;
  const r = Math.round(x);
  const even = Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
  return Math.min(qmax, Math.max(qmin, even + p.zeroPoint));
}

function storage(type: QuantType, n: number): Int8Array | Uint8Array {
  return type === 'uint8' ? new Uint8Array(n) : new Int8Array(n);
}

export interface QuantizedTensor {
  /** Quantized values, same dims as the source. */
  values: Tensor;
  /** One scale per group: a scalar (per tensor), [channels] (per channel) or blocked dims. */
  scale: Tensor<'float32'>;
  zeroPoint: Tensor;
  /** Relative RMS error of the dequantized values against the originals. */
  error: number;
}

/**
 * Quantizes a float tensor. `axis` undefined: per tensor. `axis` given: one group per index along it, or, with
 * `blockSize`, blocks of that many consecutive elements along it.
 */
export function quantizeTensor(t: Tensor, type: QuantType, axis?: number, blockSize?: number): QuantizedTensor {
  if (t.type !== 'float32' && t.type !== 'float64') throw new Error(`quantize: weights must be float32 or float64, got ${t.type}`);
  const data = t.data as Float32Array | Float64Array;
  const dims = t.dims;
  const a = axis ?? -1;
  const outer = a < 0 ? 1 : dims.slice(0, a).reduce((x, y) => x * y, 1);
  const along = a < 0 ? 1 : dims[a];
  const inner = a < 0 ? t.size : dims.slice(a + 1).reduce((x, y) => x * y, 1);
  const block = blockSize ?? along;
  const blocks = a < 0 ? 1 : Math.ceil(along / block);
  // Group of element (o, k, i): per channel → k; blocked → (o·blocks + ⌊k/block⌋)·inner + i.
  const groupCount = a < 0 ? 1 : blockSize ? outer * blocks * inner : along;
  const groupOf = (o: number, k: number, i: number): number => {
    if (a < 0) return 0;
    return blockSize ? (o * blocks + Math.floor(k / block)) * inner + i : k;
  };
  const lo = new Float64Array(groupCount).fill(Infinity);
  const hi = new Float64Array(groupCount).fill(-Infinity);
  for (let o = 0, idx = 0; o < outer; o++) {
    for (let k = 0; k < along; k++) {
      for (let i = 0; i < inner; i++, idx++) {
        const g = groupOf(o, k, i);
        const v = data[idx];
        if (v < lo[g]) lo[g] = v;
        if (v > hi[g]) hi[g] = v;
      }
    }
  }
  const params = Array.from({ length: groupCount }, (_, g) => paramsForRange(lo[g], hi[g], type));
  const q = storage(type, t.size);
  let errSq = 0;
  let refSq = 0;
  for (let o = 0, idx = 0; o < outer; o++) {
    for (let k = 0; k < along; k++) {
      for (let i = 0; i < inner; i++, idx++) {
        const p = params[groupOf(o, k, i)];
        const v = quantizeValue(data[idx], p, type);
        q[idx] = v;
        const back = (v - p.zeroPoint) * p.scale;
        errSq += (back - data[idx]) ** 2;
        refSq += data[idx] ** 2;
      }
    }
  }
  const scaleDims = a < 0 ? [] : blockSize ? dims.map((d, i) => (i === a ? blocks : d)) : [along];
  const zpType = type === 'int4' ? 'int4' : type;
  return {
    values: new Tensor(zpType, q as never, dims),
    scale: new Tensor('float32', Float32Array.from(params, (p) => p.scale), scaleDims),
    zeroPoint: new Tensor(zpType, storage(type, groupCount).map((_, g) => params[g].zeroPoint) as never, scaleDims),
    error: refSq > 0 ? Math.sqrt(errSq / refSq) : 0,
  };
}

/** int32 bias quantized with scale inputScale·weightScale[c] (zero point 0), as QLinearConv and QDQ Conv expect. */
export function quantizeBias(bias: Tensor, inputScale: number, weightScales: Float32Array): { values: Tensor<'int32'>; scale: Tensor<'float32'> } {
  const b = bias.data as Float32Array | Float64Array;
  const scales = Float32Array.from({ length: b.length }, (_, c) => inputScale * weightScales[weightScales.length === 1 ? 0 : c]);
  const q = Int32Array.from(b, (v, c) => (scales[c] > 0 ? Math.round(v / scales[c]) : 0));
  return { values: new Tensor('int32', q, [b.length]), scale: new Tensor('float32', scales, [b.length]) };
}

/** Cosine similarity of two float arrays (1 for two zero vectors). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na === 0 && nb === 0) return 1;
  return dot / Math.sqrt(na * nb);
}

export interface ErrorStats {
  cosine: number;
  maxAbsError: number;
  /** RMS of the difference over RMS of the reference. */
  relativeRmse: number;
}

export function errorStats(reference: ArrayLike<number>, got: ArrayLike<number>): ErrorStats {
  let maxAbs = 0;
  let diffSq = 0;
  let refSq = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = got[i] - reference[i];
    maxAbs = Math.max(maxAbs, Math.abs(d));
    diffSq += d * d;
    refSq += reference[i] * reference[i];
  }
  return { cosine: cosine(reference, got), maxAbsError: maxAbs, relativeRmse: refSq > 0 ? Math.sqrt(diffSq / refSq) : Math.sqrt(diffSq) };
}
