import { SIGNED_NUMERIC, unaryKernel } from './common.js';

export default [unaryKernel('Neg', 1, SIGNED_NUMERIC, { float: (x) => -x, int: (x) => -x, bigint: (x) => -x })];
