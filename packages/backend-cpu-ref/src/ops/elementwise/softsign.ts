import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Softsign', 1, (x) => x / (1 + Math.abs(x)))];
