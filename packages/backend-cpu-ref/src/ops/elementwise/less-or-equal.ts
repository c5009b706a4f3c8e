import { NUMERIC, binaryKernels, elementwiseCombine } from './common.js';

export default binaryKernels('LessOrEqual', elementwiseCombine('LessOrEqual', {
  float: (a, b) => a <= b,
  int: (a, b) => a <= b,
  bigint: (a, b) => a <= b,
}, 'bool'), { since: 12, dtypes: NUMERIC });
