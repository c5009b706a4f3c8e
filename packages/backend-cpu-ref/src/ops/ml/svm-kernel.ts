/** The kernel functions of SVMClassifier and SVMRegressor, with kernel_params = [gamma, coef0, degree]. */

export type KernelFn = (x: Float64Array, xOffset: number, v: ArrayLike<number>, vOffset: number, n: number) => number;

export function svmKernel(op: string, type: string, params: number[]): KernelFn {
  const [gamma = 0, coef0 = 0, degree = 0] = params;
  const dot: KernelFn = (x, xo, v, vo, n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[xo + i] * v[vo + i];
    return s;
  };
  switch (type) {
    case 'LINEAR':
      return dot;
    case 'POLY':
      return (x, xo, v, vo, n) => (gamma * dot(x, xo, v, vo, n) + coef0) ** Math.trunc(degree);
    case 'SIGMOID':
      return (x, xo, v, vo, n) => Math.tanh(gamma * dot(x, xo, v, vo, n) + coef0);
    case 'RBF':
      return (x, xo, v, vo, n) => {
        let s = 0;
        for (let i = 0; i < n; i++) {
          const d = x[xo + i] - v[vo + i];
          s += d * d;
        }
        return Math.exp(-gamma * s);
      };
    default:
      throw new Error(`${op}: kernel_type '${type}' is not LINEAR, POLY, RBF or SIGMOID`);
  }
}
