import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Ceil', 1, Math.ceil)];
