/** The affine scores shared by LinearClassifier and LinearRegressor: scores[n, e] = Σ_c x[n, c]·w[e, c] + b[e]. */
import type { FeatureRows } from './common.js';

export function linearScores(op: string, x: FeatureRows, coefficients: number[], intercepts: number[], outputs: number): Float64Array {
  if (coefficients.length !== outputs * x.cols) {
    throw new Error(`${op}: coefficients has ${coefficients.length} values, expected ${outputs} × ${x.cols} features`);
  }
  if (intercepts.length !== 0 && intercepts.length !== outputs) {
    throw new Error(`${op}: intercepts has ${intercepts.length} values, expected ${outputs}`);
  }
  const scores = new Float64Array(x.rows * outputs);
  for (let n = 0; n < x.rows; n++) {
    for (let e = 0; e < outputs; e++) {
      let s = intercepts.length ? intercepts[e] : 0;
      for (let c = 0; c < x.cols; c++) s += x.values[n * x.cols + c] * coefficients[e * x.cols + c];
      scores[n * outputs + e] = s;
    }
  }
  return scores;
}
