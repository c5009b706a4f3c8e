import { binaryKernels, elementwiseCombine } from './common.js';

export default binaryKernels('Xor', elementwiseCombine('Xor', { int: (a, b) => (a ^ b) !== 0 }, 'bool'), {
  since: 1, dtypes: ['bool'], legacyUntil: 6,
});
