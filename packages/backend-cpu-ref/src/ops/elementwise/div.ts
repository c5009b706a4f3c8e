import { NUMERIC, binaryKernels, elementwiseCombine } from './common.js';

function divisionByZero(): never {
  throw new Error('Div: integer division by zero');
}

// Integer division truncates toward zero, as in C.
export default binaryKernels('Div', elementwiseCombine('Div', {
  float: (a, b) => a / b,
  int: (a, b) => (b === 0 ? divisionByZero() : Math.trunc(a / b)),
  bigint: (a, b) => (b === 0n ? divisionByZero() : a / b),
}), { since: 1, dtypes: NUMERIC, legacyUntil: 6 });
