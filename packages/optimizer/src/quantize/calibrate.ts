/**
 * Calibration: run the float model on sample inputs (reference backend, no graph rewrites) and turn the values each
 * chosen tensor takes into a range: min-max, a percentile of the values, or the threshold that minimizes the KL
 * divergence between the value histogram and its quantized form (entropy). Tensors that took fewer than 4096 values
 * over all samples fall back to min-max.
 */
import { InferenceSession, isTensor, type Model, type Tensor, type Value } from '@onnx-ts/core';
import '@onnx-ts/backend-cpu-ref';

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy';

export interface CalibrationOptions {
  method?: CalibrationMethod;
  /** For 'percentile': the share of values (in %) the range keeps (default 99.99). */
  percentile?: number;
  /** Histogram bins for 'percentile' and 'entropy' (default: 2048, fewer for small samples, at least 512). */
  bins?: number;
}

/** Below this many values a histogram says little about the tails: such tensors are calibrated by min-max. */
const MIN_HISTOGRAM_VALUES = 4096;

export interface TensorRange {
  min: number;
  max: number;
}

/** Runs `model` on every sample, calling `visit` with each wanted tensor's float values. */
async function sweep(
  model: Model, samples: readonly Record<string, Value>[], wanted: ReadonlySet<string>,
  visit: (name: string, values: Float32Array | Float64Array) => void,
): Promise<void> {
  const session = await InferenceSession.create(model, { executionProviders: ['cpu-ref'], graphOptimizationLevel: 'disabled', captureIntermediates: true });
  for (const feeds of samples) {
    await session.run(feeds);
    for (const [name, v] of session.lastIntermediates()) {
      if (!wanted.has(name) || !isTensor(v)) continue;
      const t = v as Tensor;
      if (t.type === 'float32' || t.type === 'float64') visit(name, t.data as Float32Array | Float64Array);
    }
  }
  await session.release();
}

/** The range of each tensor in `names` over the samples, by the chosen method. */
export async function calibrate(
  model: Model, samples: readonly Record<string, Value>[], names: readonly string[], options: CalibrationOptions = {},
): Promise<Map<string, TensorRange>> {
  if (!samples.length) throw new Error('calibrate: no calibration samples (pass a directory of .pb inputs or --calibrate-random N)');
  const method = options.method ?? 'minmax';
  if (!['minmax', 'percentile', 'entropy'].includes(method)) throw new Error(`calibrate: unknown method '${method}' (minmax, percentile or entropy)`);
  const wanted = new Set(names);
  const ranges = new Map<string, TensorRange>();
  const counts = new Map<string, number>();
  await sweep(model, samples, wanted, (name, values) => {
    counts.set(name, (counts.get(name) ?? 0) + values.length);
    const r = ranges.get(name) ?? { min: Infinity, max: -Infinity };
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < r.min) r.min = v;
      if (v > r.max) r.max = v;
    }
    ranges.set(name, r);
  });
  if (method === 'minmax') return ranges;
  // Second sweep: a histogram of |x| over [0, max |x|] per tensor. Few values spread over many bins make a noisy
  // histogram, so a tensor gets about one bin per 8 values it took, between 512 and 2048.
  const binsOf = (name: string): number => options.bins ?? Math.min(2048, Math.max(512, 2 ** Math.round(Math.log2((counts.get(name) ?? 0) / 8))));
  const histograms = new Map<string, Float64Array>();
  const width = (name: string, r: TensorRange): number => Math.max(Math.abs(r.min), Math.abs(r.max)) / binsOf(name);
  await sweep(model, samples, wanted, (name, values) => {
    const r = ranges.get(name)!;
    const w = width(name, r);
    const bins = binsOf(name);
    if (w === 0) return;
    const h = histograms.get(name) ?? new Float64Array(bins);
    for (let i = 0; i < values.length; i++) h[Math.min(bins - 1, Math.floor(Math.abs(values[i]) / w))]++;
    histograms.set(name, h);
  });
  const out = new Map<string, TensorRange>();
  for (const [name, r] of ranges) {
    const h = histograms.get(name);
    if (!h || (counts.get(name) ?? 0) < MIN_HISTOGRAM_VALUES) {
      out.set(name, r);
      continue;
    }
    const levels = r.min >= 0 ? 255 : 127;
    const threshold = method === 'percentile' ? percentileThreshold(h, options.percentile ?? 99.99) : entropyThreshold(h, levels);
    const t = threshold * width(name, r);
    out.set(name, { min: Math.max(r.min, -t), max: Math.min(r.max, t) });
  }
  return out;
}

/** The upper edge (in bins) below which `percent` % of the histogram's mass lies. */
export function percentileThreshold(h: Float64Array, percent: number): number {
  if (!(percent > 0 && percent <= 100)) throw new Error(`calibrate: percentile must be in (0, 100], got ${percent}`);
  const total = h.reduce((a, b) => a + b, 0);
  const target = (total * percent) / 100;
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    seen += h[i];
    if (seen >= target) return i + 1;
  }
  return h.length;
}

/**
 * The clipping threshold (in bins) minimizing KL(P ‖ Q), where P is the histogram clipped at the threshold (the
 * clipped mass added to its last bin) and Q is the unclipped part squeezed into `levels` quantization levels and
 * spread back evenly over the bins of each level where P has mass. Clipping thus costs the mass it piles into the
 * last bin, and a coarse grid costs the detail it flattens.
 */
export function entropyThreshold(h: Float64Array, levels: number): number {
  const n = h.length;
  if (n <= levels) return n;
  let best = n;
  let bestKl = Infinity;
  const tail = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) tail[i] = tail[i + 1] + h[i];
  for (let t = levels; t <= n; t++) {
    const p = h.slice(0, t);
    p[t - 1] += tail[t];
    const q = new Float64Array(t);
    const per = t / levels;
    for (let l = 0; l < levels; l++) {
      const start = Math.floor(l * per);
      const end = l === levels - 1 ? t : Math.floor((l + 1) * per);
      let mass = 0;
      let nonEmpty = 0;
      for (let i = start; i < end; i++) {
        mass += h[i];
        if (p[i] > 0) nonEmpty++;
      }
      for (let i = start; i < end; i++) if (p[i] > 0 && nonEmpty) q[i] = mass / nonEmpty;
    }
    const kl = divergence(p, q);
    if (kl < bestKl) {
      bestKl = kl;
      best = t;
    }
  }
  return best;
}

/**
 * KL(P ‖ Q) of two unnormalized histograms over the bins where P has mass. A bin where Q has none (the clipped
 * mass lands where the grid saw nothing) gets a tiny share instead, so it costs much but not infinitely.
 */
function divergence(p: Float64Array, q: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i];
    sq += q[i];
  }
  if (sp === 0 || sq === 0) return Infinity;
  const floor = 1e-4 / p.length;
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) continue;
    kl += (p[i] / sp) * Math.log((p[i] / sp) / Math.max(q[i] / sq, floor));
  }
  return kl;
}
