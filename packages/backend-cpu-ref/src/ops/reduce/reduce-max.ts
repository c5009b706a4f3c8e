import { REDUCE_DTYPES, reductionKernels } from './reduction.js';
import { bigintRange, integerRange } from './numeric.js';

// The maximum of an empty set is the type's lowest value: -inf for floats, the minimum for integers, false for bool.
export default reductionKernels({
  op: 'ReduceMax',
  axesInputSince: 18,
  dtypes: [...REDUCE_DTYPES, 'int8', 'uint8', 'bool'],
  float: { init: -Infinity, step: Math.max },
  int: { init: (type) => integerRange(type)[0], step: Math.max },
  bigint: { init: (type) => bigintRange(type)[0], step: (a, v) => (v > a ? v : a) },
});
