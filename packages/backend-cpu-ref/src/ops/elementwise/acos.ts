import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Acos', 7, Math.acos)];
