import { REDUCE_DTYPES, reductionKernels } from './reduction.js';

// Integers of up to 32 bits average through the float accumulator: their sum is exact in a double and the mean
// truncates toward zero on the way back; the mean of an empty set (NaN) is refused for them.
export default reductionKernels({
  op: 'ReduceMean',
  axesInputSince: 18,
  dtypes: REDUCE_DTYPES,
  float: { init: 0, step: (a, v) => a + v, finish: (a, n) => a / n },
  bigint: {
    init: 0n,
    step: (a, v) => a + v,
    finish: (a, n) => {
      if (n === 0) throw new Error('ReduceMean: the mean of an empty set is undefined for integer types');
      return a / BigInt(n);
    },
  },
});
