import { NUMERIC, unaryKernel } from './common.js';

export default [
  unaryKernel('Sign', 9, NUMERIC, { float: Math.sign, int: Math.sign, bigint: (x) => (x > 0n ? 1n : x < 0n ? -1n : 0n) }),
];
