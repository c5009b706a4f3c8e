import { binaryKernels, elementwiseCombine } from './common.js';

export default binaryKernels('Or', elementwiseCombine('Or', { int: (a, b) => (a | b) !== 0 }, 'bool'), {
  since: 1, dtypes: ['bool'], legacyUntil: 6,
});
