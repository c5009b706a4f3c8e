/**
 * GridSample: samples X (N, C, D1..Dr) at the normalized grid locations (N, O1..Or, r), grid's last axis ordered
 * x, y, z (innermost spatial axis first). Opset 16 (4-D only; bilinear/nearest/bicubic), 20+ (N-D; linear/cubic).
 */
import { FLOAT_DTYPES, Tensor, allocData, attr, defineKernel, shapeSize, slotsPerElement, stridesOf } from '@onnx-ts/core';
import { choice, expectType, tensorInput } from './inputs.js';
import { fromComputed, numericValues, roundHalfEven } from './numeric.js';

const OP = 'GridSample';

type Mode = 'nearest' | 'linear' | 'cubic';
type Padding = 'zeros' | 'border' | 'reflection';

/** Folds x into [lo, hi] by reflecting at the borders as often as needed. */
function reflect(x: number, lo: number, hi: number): number {
  const range = hi - lo;
  if (range <= 0) return lo;
  if (x < lo) {
    const dx = lo - x;
    const n = Math.trunc(dx / range);
    const r = dx - n * range;
    return n % 2 === 0 ? lo + r : hi - r;
  }
  if (x > hi) {
    const dx = x - hi;
    const n = Math.trunc(dx / range);
    const r = dx - n * range;
    return n % 2 === 0 ? hi - r : lo + r;
  }
  return x;
}

/** Keys' cubic convolution kernel with A = -0.75, the coefficient GridSample uses. */
function cubicWeight(t: number): number {
  const A = -0.75;
  const x = Math.abs(t);
  if (x <= 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
  if (x < 2) return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return 0;
}

interface AxisGeometry {
  len: number;
  /** Sampling borders: pixel centers of the corner pixels with align_corners, their outer edges without. */
  lo: number;
  hi: number;
}

/** A tap index after padding, or -1 where zeros padding makes it contribute nothing. */
function padIndex(i: number, g: AxisGeometry, padding: Padding): number {
  if (i >= 0 && i < g.len) return i;
  if (padding === 'zeros') return -1;
  if (padding === 'border') return i < 0 ? 0 : g.len - 1;
  return Math.trunc(reflect(i, g.lo, g.hi));
}

function gridSample(X: Tensor, grid: Tensor, mode: Mode, padding: Padding, alignCorners: boolean): Tensor {
  const r = X.dims.length - 2;
  if (r < 1) throw new Error(`${OP}: X must have rank >= 3 (N, C, spatial...), got [${X.dims.join(', ')}]`);
  if (grid.dims.length !== r + 2 || grid.dims[0] !== X.dims[0] || grid.dims[r + 1] !== r) {
    throw new Error(`${OP}: grid must have shape [${X.dims[0]}, out spatial (${r} dims), ${r}] for X [${X.dims.join(', ')}], got [${grid.dims.join(', ')}]`);
  }
  const [N, C] = X.dims;
  const inSpatial = X.dims.slice(2);
  const outSpatial = grid.dims.slice(1, r + 1);
  const outDims = [N, C, ...outSpatial];
  const outPoints = shapeSize(outSpatial);
  const inPoints = shapeSize(inSpatial);
  const inStrides = stridesOf(inSpatial);
  const geometry: AxisGeometry[] = inSpatial.map((len) =>
    alignCorners ? { len, lo: 0, hi: len - 1 } : { len, lo: -0.5, hi: len - 0.5 });
  const g = numericValues(OP, 'grid', grid);

  const tapsPerAxis = mode === 'nearest' ? 1 : mode === 'linear' ? 2 : 4;
  const combos = tapsPerAxis ** r;
  const tapIndex = new Int32Array(r * tapsPerAxis);
  const tapWeight = new Float64Array(r * tapsPerAxis);
  const comboOffset = new Int32Array(combos);
  const comboWeight = new Float64Array(combos);

  /** Fills comboOffset/comboWeight for one grid point (-1 offset: a zero-padded tap). */
  const planPoint = (gridBase: number): void => {
    for (let d = 0; d < r; d++) {
      const { len, lo, hi } = geometry[d];
      const normalized = g[gridBase + (r - 1 - d)];
      let c = alignCorners ? ((normalized + 1) / 2) * (len - 1) : ((normalized + 1) * len - 1) / 2;
      if (mode === 'nearest') {
        // Nearest rounds half to even (nearbyint), in 2-D and 3-D alike (the ONNX 3-D test data rely on it).
        c = roundHalfEven(c);
      }
      if (c < lo || c > hi) {
        if (padding === 'border') c = Math.min(Math.max(c, 0), len - 1);
        else if (padding === 'reflection') c = reflect(c, lo, hi);
      }
      const base = Math.floor(c);
      const frac = c - base;
      for (let t = 0; t < tapsPerAxis; t++) {
        const k = d * tapsPerAxis + t;
        if (mode === 'nearest') {
          tapIndex[k] = padIndex(Math.trunc(c), geometry[d], padding);
          tapWeight[k] = 1;
        } else if (mode === 'linear') {
          tapIndex[k] = padIndex(base + t, geometry[d], padding);
          tapWeight[k] = t === 0 ? 1 - frac : frac;
        } else {
          tapIndex[k] = padIndex(base - 1 + t, geometry[d], padding);
          tapWeight[k] = cubicWeight(t - 1 - frac);
        }
      }
    }
    for (let combo = 0; combo < combos; combo++) {
      let rest = combo;
      let offset = 0;
      let weight = 1;
      let padded = false;
      for (let d = r - 1; d >= 0; d--) {
        const t = rest % tapsPerAxis;
        rest = (rest - t) / tapsPerAxis;
        const idx = tapIndex[d * tapsPerAxis + t];
        padded ||= idx < 0;
        offset += idx * inStrides[d];
        weight *= tapWeight[d * tapsPerAxis + t];
      }
      comboOffset[combo] = padded ? -1 : offset;
      comboWeight[combo] = weight;
    }
  };

  if (mode === 'nearest') {
    // Nearest copies elements, so every element type (int64 included) keeps its exact value.
    const slots = slotsPerElement(X.type);
    const src = X.data as unknown as { [i: number]: unknown };
    const out = allocData(X.type, N * C * outPoints) as unknown as { [i: number]: unknown };
    for (let n = 0; n < N; n++) {
      for (let p = 0; p < outPoints; p++) {
        planPoint((n * outPoints + p) * r);
        if (comboOffset[0] < 0) continue;
        for (let c = 0; c < C; c++) {
          const from = ((n * C + c) * inPoints + comboOffset[0]) * slots;
          const to = ((n * C + c) * outPoints + p) * slots;
          for (let s = 0; s < slots; s++) out[to + s] = src[from + s];
        }
      }
    }
    return new Tensor(X.type, out as never, outDims);
  }
  const x = numericValues(OP, 'X', X);
  const out = new Float64Array(N * C * outPoints);
  for (let n = 0; n < N; n++) {
    for (let p = 0; p < outPoints; p++) {
      planPoint((n * outPoints + p) * r);
      for (let c = 0; c < C; c++) {
        const base = (n * C + c) * inPoints;
        let sum = 0;
        for (let k = 0; k < combos; k++) {
          if (comboOffset[k] >= 0) sum += comboWeight[k] * x[base + comboOffset[k]];
        }
        out[(n * C + c) * outPoints + p] = sum;
      }
    }
  }
  return fromComputed(X.type, out, outDims);
}

const PADDINGS: readonly Padding[] = ['zeros', 'border', 'reflection'];

export default [
  defineKernel({
    op: OP, since: 16, until: 19,
    attrs: { mode: attr.string('bilinear'), padding_mode: attr.string('zeros'), align_corners: attr.int(0) },
    run: ([x, grid], a) => {
      const X = tensorInput(OP, x, 'X');
      const G = tensorInput(OP, grid, 'grid');
      expectType(OP, G, 'grid', FLOAT_DTYPES);
      if (X.dims.length !== 4) throw new Error(`${OP}: opset 16 takes 4-D X (N, C, H, W), got [${X.dims.join(', ')}]`);
      const mode = choice(OP, a.mode, ['bilinear', 'nearest', 'bicubic'] as const, 'mode');
      const m: Mode = mode === 'bilinear' ? 'linear' : mode === 'bicubic' ? 'cubic' : 'nearest';
      return [gridSample(X, G, m, choice(OP, a.padding_mode, PADDINGS, 'padding_mode'), a.align_corners !== 0)];
    },
  }),
  defineKernel({
    op: OP, since: 20,
    attrs: { mode: attr.string('linear'), padding_mode: attr.string('zeros'), align_corners: attr.int(0) },
    run: ([x, grid], a) => {
      const X = tensorInput(OP, x, 'X');
      const G = tensorInput(OP, grid, 'grid');
      expectType(OP, G, 'grid', FLOAT_DTYPES);
      const mode = choice(OP, a.mode, ['linear', 'nearest', 'cubic'] as const, 'mode');
      return [gridSample(X, G, mode, choice(OP, a.padding_mode, PADDINGS, 'padding_mode'), a.align_corners !== 0)];
    },
  }),
];
