import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Asin', 7, Math.asin)];
