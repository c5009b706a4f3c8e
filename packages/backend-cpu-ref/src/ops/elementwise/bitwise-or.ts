import { INTS, binaryKernels, elementwiseCombine } from './common.js';

export default binaryKernels('BitwiseOr', elementwiseCombine('BitwiseOr', {
  int: (a, b) => a | b,
  bigint: (a, b) => a | b,
}), { since: 18, dtypes: INTS });
