import { INTS, unaryKernel } from './common.js';

// Typed-array stores wrap ~x back into unsigned range, so one function serves signed and unsigned types.
export default [unaryKernel('BitwiseNot', 18, INTS, { int: (x) => ~x, bigint: (x) => ~x })];
