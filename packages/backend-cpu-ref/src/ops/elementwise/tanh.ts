import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Tanh', 1, Math.tanh)];
