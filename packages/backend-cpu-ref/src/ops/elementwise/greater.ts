import { NUMERIC, binaryKernels, elementwiseCombine } from './common.js';

export default binaryKernels('Greater', elementwiseCombine('Greater', {
  float: (a, b) => a > b,
  int: (a, b) => a > b,
  bigint: (a, b) => a > b,
}, 'bool'), { since: 1, dtypes: NUMERIC, legacyUntil: 6 });
