import { FLOATS, variadicKernels } from './common.js';

export default variadicKernels('Sum', { float: (...xs) => xs.reduce((s, x) => s + x, 0) }, FLOATS);
