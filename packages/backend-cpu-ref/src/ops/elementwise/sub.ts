import { NUMERIC, binaryKernels, elementwiseCombine } from './common.js';

export default binaryKernels('Sub', elementwiseCombine('Sub', {
  float: (a, b) => a - b,
  int: (a, b) => a - b,
  bigint: (a, b) => a - b,
}), { since: 1, dtypes: NUMERIC, legacyUntil: 6 });
