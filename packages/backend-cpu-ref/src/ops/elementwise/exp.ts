import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Exp', 1, Math.exp)];
