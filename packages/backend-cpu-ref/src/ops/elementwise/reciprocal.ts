import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Reciprocal', 1, (x) => 1 / x)];
