import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Tan', 7, Math.tan)];
