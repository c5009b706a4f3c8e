import { NUMERIC, variadicKernels } from './common.js';

// Math.max propagates NaN, as numpy's maximum does.
export default variadicKernels('Max', {
  float: Math.max,
  int: Math.max,
  bigint: (...xs) => xs.reduce((m, x) => (x > m ? x : m)),
}, NUMERIC);
