import { REDUCE_DTYPES, reductionKernels } from './reduction.js';

export default reductionKernels({
  op: 'ReduceSum',
  axesInputSince: 13,
  dtypes: REDUCE_DTYPES,
  float: { init: 0, step: (a, v) => a + v },
  int: { init: 0, step: (a, v) => (a + v) | 0 },
  bigint: { init: 0n, step: (a, v) => a + v },
});
