import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Sin', 7, Math.sin)];
