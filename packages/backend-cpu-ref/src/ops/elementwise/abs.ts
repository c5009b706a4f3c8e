import { NUMERIC, unaryKernel } from './common.js';

export default [unaryKernel('Abs', 1, NUMERIC, { float: Math.abs, int: Math.abs, bigint: (x) => (x < 0n ? -x : x) })];
