import { REDUCE_DTYPES, reductionKernels } from './reduction.js';

export default reductionKernels({
  op: 'ReduceLogSum',
  axesInputSince: 18,
  dtypes: REDUCE_DTYPES,
  float: { init: 0, step: (a, v) => a + v, finish: Math.log },
});
