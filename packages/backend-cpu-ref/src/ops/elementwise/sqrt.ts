import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Sqrt', 1, Math.sqrt)];
