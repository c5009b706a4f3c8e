import { REDUCE_DTYPES, reductionKernels } from './reduction.js';

export default reductionKernels({
  op: 'ReduceSumSquare',
  axesInputSince: 18,
  dtypes: REDUCE_DTYPES,
  float: { init: 0, step: (a, v) => a + v * v },
  int: { init: 0, step: (a, v) => (a + Math.imul(v, v)) | 0 },
  bigint: { init: 0n, step: (a, v) => a + v * v },
});
