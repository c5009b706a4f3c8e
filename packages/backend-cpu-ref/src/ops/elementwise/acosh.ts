import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Acosh', 9, Math.acosh)];
