import { REDUCE_DTYPES, reductionKernels } from './reduction.js';

export default reductionKernels({
  op: 'ReduceL1',
  axesInputSince: 18,
  dtypes: REDUCE_DTYPES,
  float: { init: 0, step: (a, v) => a + Math.abs(v) },
  int: { init: 0, step: (a, v) => (a + Math.abs(v)) | 0 },
  bigint: { init: 0n, step: (a, v) => a + (v < 0n ? -v : v) },
});
