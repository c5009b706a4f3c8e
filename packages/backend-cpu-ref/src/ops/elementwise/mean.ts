import { FLOATS, variadicKernels } from './common.js';

export default variadicKernels('Mean', { float: (...xs) => xs.reduce((s, x) => s + x, 0) / xs.length }, FLOATS);
