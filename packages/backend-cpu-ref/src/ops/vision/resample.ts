/**
 * The separable resampling engine behind Resize and Upsample. Every resized axis gets a sampling plan (for each
 * output position: source indexes and weights); the plans are applied one axis at a time. Nearest sampling copies
 * elements of any type; linear and cubic compute in float64.
 */
import { Tensor, allocData, shapeSize, slotsPerElement, type DType } from '@onnx-ts/core';
import { fromComputed, numericValues } from './numeric.js';

export type InterpolationMode = 'nearest' | 'linear' | 'cubic';
export type NearestRounding = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil' | 'legacy';

export interface AxisResample {
  inLen: number;
  outLen: number;
  /** Output length / input length; with `sizes` it is derived from them. */
  scale: number;
  /** The spec's length_resized: the target length, fractional when it comes from a scale. */
  lengthResized: number;
  coordinateMode: string;
  /** Crop region of tf_crop_and_resize, in normalized input coordinates. */
  roiStart: number;
  roiEnd: number;
}

export interface ResampleOptions {
  mode: InterpolationMode;
  nearest: NearestRounding;
  cubicA: number;
  excludeOutside: boolean;
  antialias: boolean;
  extrapolationValue: number;
}

export function resampleOptions(
  mode: InterpolationMode, nearest: NearestRounding, extra: Partial<ResampleOptions> = {},
): ResampleOptions {
  return { mode, nearest, cubicA: -0.75, excludeOutside: false, antialias: false, extrapolationValue: 0, ...extra };
}

/** Sampling plan of one axis: `taps` (index, weight) pairs per output position; `outside` marks extrapolated ones. */
interface AxisPlan {
  axis: number;
  inLen: number;
  outLen: number;
  taps: number;
  index: Int32Array;
  weight: Float64Array;
  outside: Uint8Array;
}

/** Maps an output coordinate to the input coordinate (the spec's coordinate_transformation_mode formulas). */
function sourceCoordinate(x: number, a: AxisResample): number {
  const { inLen, scale, lengthResized } = a;
  switch (a.coordinateMode) {
    case 'half_pixel':
      return (x + 0.5) / scale - 0.5;
    case 'half_pixel_symmetric': {
      const adjustment = a.outLen / lengthResized;
      const offset = (inLen / 2) * (1 - adjustment);
      return offset + (x + 0.5) / scale - 0.5;
    }
    case 'pytorch_half_pixel':
      return lengthResized > 1 ? (x + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return lengthResized === 1 ? 0 : (x * (inLen - 1)) / (lengthResized - 1);
    case 'asymmetric':
      return x / scale;
    case 'tf_half_pixel_for_nn':
      return (x + 0.5) / scale;
    case 'tf_crop_and_resize': {
      const { roiStart: start, roiEnd: end } = a;
      if (lengthResized > 1) return start * (inLen - 1) + (x * (end - start) * (inLen - 1)) / (lengthResized - 1);
      return 0.5 * (start + end) * (inLen - 1);
    }
    default:
      throw new Error(`unknown coordinate_transformation_mode '${a.coordinateMode}'`);
  }
}

function nearestIndex(x: number, rounding: NearestRounding, scale: number): number {
  const floor = Math.floor(x);
  if (floor === x) return x;
  const frac = x - floor;
  switch (rounding) {
    case 'round_prefer_floor': return frac <= 0.5 ? floor : floor + 1;
    case 'round_prefer_ceil': return frac < 0.5 ? floor : floor + 1;
    case 'floor': return floor;
    case 'ceil': return floor + 1;
    // Before opset 11 there was no nearest_mode: runtimes took the floor when enlarging and the ceiling when shrinking.
    case 'legacy': return scale < 1 ? floor + 1 : floor;
  }
}

/** Keys' cubic convolution kernel with parameter A (Equation 4 of Keys 1981). */
function cubicKernel(t: number, A: number): number {
  const x = Math.abs(t);
  if (x <= 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
  if (x < 2) return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return 0;
}

function planAxis(axis: number, a: AxisResample, o: ResampleOptions): AxisPlan {
  const { inLen, outLen } = a;
  const crop = a.coordinateMode === 'tf_crop_and_resize';
  const outside = new Uint8Array(outLen);
  if (o.mode === 'nearest') {
    const index = new Int32Array(outLen);
    for (let x = 0; x < outLen; x++) {
      const src = sourceCoordinate(x, a);
      if (crop && (src < 0 || src > inLen - 1)) outside[x] = 1;
      else index[x] = Math.min(Math.max(nearestIndex(src, o.nearest, a.scale), 0), inLen - 1);
    }
    return { axis, inLen, outLen, taps: 1, index, weight: new Float64Array(outLen).fill(1), outside };
  }
  // Antialiasing stretches the kernel by 1/scale when shrinking, so more inputs contribute to each output.
  const stretch = o.antialias ? Math.min(a.scale, 1) : 1;
  const support = o.mode === 'linear' ? 1 : 2;
  const first = Math.floor(-support / stretch) + 1;
  const taps = 2 - 2 * first;
  const index = new Int32Array(outLen * taps);
  const weight = new Float64Array(outLen * taps);
  for (let x = 0; x < outLen; x++) {
    const src = sourceCoordinate(x, a);
    if (crop && (src < 0 || src > inLen - 1)) {
      outside[x] = 1;
      continue;
    }
    const base = Math.floor(src);
    const ratio = src - base;
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      const i = base + first + t;
      const d = (first + t - ratio) * stretch;
      let w = o.mode === 'linear' ? Math.max(0, 1 - Math.abs(d)) : cubicKernel(d, o.cubicA);
      if (o.excludeOutside && (i < 0 || i >= inLen)) w = 0;
      index[x * taps + t] = Math.min(Math.max(i, 0), inLen - 1);
      weight[x * taps + t] = w;
      sum += w;
    }
    if ((o.antialias || o.excludeOutside) && sum !== 0) {
      for (let t = 0; t < taps; t++) weight[x * taps + t] /= sum;
    }
  }
  return { axis, inLen, outLen, taps, index, weight, outside };
}

/** Whether a plan maps every output position to the same input position with weight 1. */
function isIdentity(p: AxisPlan): boolean {
  if (p.inLen !== p.outLen) return false;
  for (let x = 0; x < p.outLen; x++) {
    if (p.outside[x]) return false;
    for (let t = 0; t < p.taps; t++) {
      const w = p.weight[x * p.taps + t];
      if (w !== 0 && !(w === 1 && p.index[x * p.taps + t] === x)) return false;
    }
  }
  return true;
}

function splitAt(dims: readonly number[], axis: number): [outer: number, inner: number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= dims[i];
  for (let i = axis + 1; i < dims.length; i++) inner *= dims[i];
  return [outer, inner];
}

/** Weighted pass along one axis over float64 values. */
function weightedPass(src: Float64Array, dims: number[], p: AxisPlan, fill: number): Float64Array {
  const [outer, inner] = splitAt(dims, p.axis);
  const out = new Float64Array(outer * p.outLen * inner);
  for (let o = 0; o < outer; o++) {
    const srcBase = o * p.inLen * inner;
    for (let x = 0; x < p.outLen; x++) {
      const dst = (o * p.outLen + x) * inner;
      if (p.outside[x]) {
        out.fill(fill, dst, dst + inner);
        continue;
      }
      for (let t = 0; t < p.taps; t++) {
        const w = p.weight[x * p.taps + t];
        if (w === 0) continue;
        const from = srcBase + p.index[x * p.taps + t] * inner;
        for (let j = 0; j < inner; j++) out[dst + j] += w * src[from + j];
      }
    }
  }
  return out;
}

type Storage = { [i: number]: unknown; length: number };

/** Gather pass along one axis over raw storage (any element type; `slots` array entries per element). */
function gatherPass(src: Storage, type: DType, dims: number[], p: AxisPlan, fill: Storage, slots: number): Storage {
  const [outer, inner] = splitAt(dims, p.axis);
  const out = allocData(type, outer * p.outLen * inner) as unknown as Storage;
  const row = inner * slots;
  for (let o = 0; o < outer; o++) {
    for (let x = 0; x < p.outLen; x++) {
      const dst = (o * p.outLen + x) * row;
      if (p.outside[x]) {
        for (let j = 0; j < row; j++) out[dst + j] = fill[j % slots];
        continue;
      }
      const from = (o * p.inLen + p.index[x]) * row;
      for (let j = 0; j < row; j++) out[dst + j] = src[from + j];
    }
  }
  return out;
}

/** The storage of one element holding the extrapolation value, for the nearest (copying) path. */
function fillStorage(type: DType, value: number): Storage {
  if (type === 'string') return [''];
  if (type === 'complex64' || type === 'complex128') return [value, 0];
  return fromComputed(type, Float64Array.of(value), [1]).data as unknown as Storage;
}

/** Resamples `x` along the described axes (an entry per axis of x; unresized axes have scale 1 and equal lengths). */
export function resample(op: string, x: Tensor, axes: readonly AxisResample[], o: ResampleOptions): Tensor {
  const outDims = axes.map((a) => a.outLen);
  shapeSize(outDims);
  const plans = axes.map((a, i) => planAxis(i, a, o)).filter((p) => !isIdentity(p));
  // Shrinking axes first keeps the intermediate tensors small.
  plans.sort((p, q) => p.outLen / p.inLen - q.outLen / q.inLen);
  const dims = [...x.dims];
  if (plans.length === 0) return new Tensor(x.type, x.data.slice() as never, outDims);
  if (o.mode === 'nearest') {
    const slots = slotsPerElement(x.type);
    const fill = fillStorage(x.type, o.extrapolationValue);
    let data = x.data as unknown as Storage;
    for (const p of plans) {
      data = gatherPass(data, x.type, dims, p, fill, slots);
      dims[p.axis] = p.outLen;
    }
    return new Tensor(x.type, data as never, outDims);
  }
  if (x.type === 'bool' || x.type === 'complex64' || x.type === 'complex128') {
    throw new Error(`${op}: mode '${o.mode}' needs a numeric element type, got ${x.type}`);
  }
  let values = numericValues(op, 'X', x);
  for (const p of plans) {
    values = weightedPass(values, dims, p, o.extrapolationValue);
    dims[p.axis] = p.outLen;
  }
  return fromComputed(x.type, values, outDims);
}
