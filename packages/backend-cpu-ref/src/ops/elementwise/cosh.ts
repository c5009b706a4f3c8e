import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Cosh', 9, Math.cosh)];
