import { NUMERIC, unaryKernel } from './common.js';
import { erf } from './math.js';

// Integer inputs get erf(x) truncated back to their type, as a cast of the real result would.
export default [
  unaryKernel('Erf', 9, NUMERIC, { float: erf, int: erf, bigint: (x) => BigInt(Math.trunc(erf(Number(x)))) }),
];
