import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Asinh', 9, Math.asinh)];
