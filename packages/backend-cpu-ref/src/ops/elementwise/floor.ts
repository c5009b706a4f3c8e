import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Floor', 1, Math.floor)];
