import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Sinh', 9, Math.sinh)];
