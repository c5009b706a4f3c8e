/**
 * The score transforms of the ai.onnx.ml classifiers and regressors (attribute `post_transform`), applied to each
 * row of a [rows, cols] score matrix.
 */

export const POST_TRANSFORMS = ['NONE', 'SOFTMAX', 'LOGISTIC', 'SOFTMAX_ZERO', 'PROBIT'] as const;
export type PostTransform = (typeof POST_TRANSFORMS)[number];

/** Reads the string attribute (legacy ops) or the enum code (TreeEnsemble: 0 NONE … 4 PROBIT). */
export function parsePostTransform(op: string, value: string | number): PostTransform {
  const found = typeof value === 'number' ? POST_TRANSFORMS[value] : POST_TRANSFORMS.find((t) => t === value);
  if (found === undefined) {
    throw new Error(`${op}: post_transform ${JSON.stringify(value)} is not one of ${POST_TRANSFORMS.join(', ')} (or 0-4)`);
  }
  return found;
}

export function logistic(v: number): number {
  // Written so that exp never overflows.
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** Applies the transform in place to every row. */
export function applyPostTransform(kind: PostTransform, scores: Float64Array, rows: number, cols: number): void {
  switch (kind) {
    case 'NONE':
      return;
    case 'LOGISTIC':
      for (let i = 0; i < scores.length; i++) scores[i] = logistic(scores[i]);
      return;
    case 'PROBIT':
      for (let i = 0; i < scores.length; i++) scores[i] = probit(scores[i]);
      return;
    case 'SOFTMAX':
      for (let r = 0; r < rows; r++) softmaxRow(scores, r * cols, cols, false);
      return;
    case 'SOFTMAX_ZERO':
      for (let r = 0; r < rows; r++) softmaxRow(scores, r * cols, cols, true);
      return;
  }
}

/**
 * Softmax of one row. SOFTMAX_ZERO keeps (near-)zero scores at zero weight, and a row whose weights all vanish
 * becomes 0.5 everywhere, as onnxruntime and the ONNX reference define it.
 */
function softmaxRow(s: Float64Array, start: number, n: number, keepZeros: boolean): void {
  let max = -Infinity;
  for (let j = 0; j < n; j++) max = Math.max(max, s[start + j]);
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const v = s[start + j];
    const e = keepZeros && Math.abs(v) <= 1e-7 ? v * Math.exp(-max) : Math.exp(v - max);
    s[start + j] = e;
    sum += e;
  }
  if (keepZeros && sum === 0) {
    for (let j = 0; j < n; j++) s[start + j] = 0.5;
    return;
  }
  for (let j = 0; j < n; j++) s[start + j] /= sum;
}

/** The probit function: the quantile of the standard normal distribution, NaN outside [0, 1]. */
export function probit(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -probit(1 - p);
  // Start from Winitzki's closed-form approximation of erfinv, then polish with Newton steps on the normal CDF.
  const a = 0.147;
  const y = 2 * p - 1;
  const ln = Math.log((1 - y) * (1 + y));
  const t = 2 / (Math.PI * a) + ln / 2;
  let x = -Math.SQRT2 * Math.sqrt(Math.sqrt(t * t - ln / a) - t);
  for (let i = 0; i < 8; i++) {
    const density = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    const step = (normalCdf(x) - p) / density;
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.abs(x)) break;
  }
  return x;
}

/** Φ(x) = erfc(-x/√2) / 2. */
function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** erfc with about 1e-13 relative accuracy: the Taylor series of erf near 0, a continued fraction in the tails. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated by Lentz's method.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const ak = k / 2;
    d = x + ak * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + ak / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
