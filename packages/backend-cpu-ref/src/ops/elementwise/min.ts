import { NUMERIC, variadicKernels } from './common.js';

// Math.min propagates NaN, as numpy's minimum does.
export default variadicKernels('Min', {
  float: Math.min,
  int: Math.min,
  bigint: (...xs) => xs.reduce((m, x) => (x < m ? x : m)),
}, NUMERIC);
