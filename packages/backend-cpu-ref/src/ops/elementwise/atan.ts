import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Atan', 7, Math.atan)];
