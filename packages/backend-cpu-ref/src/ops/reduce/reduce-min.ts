import { REDUCE_DTYPES, reductionKernels } from './reduction.js';
import { bigintRange, integerRange } from './numeric.js';

// The minimum of an empty set is the type's highest value: +inf for floats, the maximum for integers, true for bool.
export default reductionKernels({
  op: 'ReduceMin',
  axesInputSince: 18,
  dtypes: [...REDUCE_DTYPES, 'int8', 'uint8', 'bool'],
  float: { init: Infinity, step: Math.min },
  int: { init: (type) => integerRange(type)[1], step: Math.min },
  bigint: { init: (type) => bigintRange(type)[1], step: (a, v) => (v < a ? v : a) },
});
