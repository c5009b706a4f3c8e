import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('Log', 1, Math.log)];
