import { NUMERIC, binaryKernels, elementwiseCombine } from './common.js';

// Math.imul keeps the low 32 bits exactly, where a double product of two 32-bit values would round.
export default binaryKernels('Mul', elementwiseCombine('Mul', {
  float: (a, b) => a * b,
  int: Math.imul,
  bigint: (a, b) => a * b,
}), { since: 1, dtypes: NUMERIC, legacyUntil: 6 });
