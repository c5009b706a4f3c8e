import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Cos', 7, Math.cos)];
