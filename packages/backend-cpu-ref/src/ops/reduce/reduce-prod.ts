import { REDUCE_DTYPES, reductionKernels } from './reduction.js';

export default reductionKernels({
  op: 'ReduceProd',
  axesInputSince: 18,
  dtypes: REDUCE_DTYPES,
  float: { init: 1, step: (a, v) => a * v },
  int: { init: 1, step: Math.imul },
  bigint: { init: 1n, step: (a, v) => BigInt.asIntN(64, a * v) },
});
