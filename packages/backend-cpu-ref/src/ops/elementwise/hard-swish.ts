import { floatUnaryKernel } from './common.js';

export default [floatUnaryKernel('HardSwish', 14, (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5)))];
