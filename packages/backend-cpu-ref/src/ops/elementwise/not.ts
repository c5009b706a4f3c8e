import { unaryKernel } from './common.js';

export default [unaryKernel('Not', 1, ['bool'], { int: (x) => !x })];
