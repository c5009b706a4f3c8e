import { REDUCE_DTYPES, reductionKernels } from './reduction.js';

/** log(exp(a) + exp(b)) without overflow: factor out the larger term. */
function logAddExp(a: number, b: number): number {
  const hi = a > b ? a : b;
  const lo = a > b ? b : a;
  if (lo === -Infinity || hi === Infinity) return hi; // also keeps -inf + -inf at -inf
  return hi + Math.log1p(Math.exp(lo - hi));
}

export default reductionKernels({
  op: 'ReduceLogSumExp',
  axesInputSince: 18,
  dtypes: REDUCE_DTYPES,
  float: { init: -Infinity, step: logAddExp },
});
