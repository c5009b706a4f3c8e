/** Summary statistics of latencies and of tensor values. */

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Linear interpolation between the closest ranks (the median of an even count is the mean of the middle two). */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const pos = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface ValueStats {
  count: number;
  nanCount: number;
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
}

/** Statistics over the non-NaN elements (min/max/mean/std are NaN when every element is NaN or there are none). */
export function valueStats(values: ArrayLike<number>): ValueStats {
  let n = 0;
  let nanCount = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      nanCount++;
      continue;
    }
    n++;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  if (n === 0) return { count: values.length, nanCount, min: NaN, max: NaN, mean: NaN, std: NaN };
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) squares += (v - mean) * (v - mean);
  }
  return { count: values.length, nanCount, min, max, mean, std: Math.sqrt(squares / n) };
}
