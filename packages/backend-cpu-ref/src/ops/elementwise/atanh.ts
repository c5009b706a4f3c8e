import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Atanh', 9, Math.atanh)];
