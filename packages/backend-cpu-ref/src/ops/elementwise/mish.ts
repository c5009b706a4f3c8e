import { floatUnaryKernel } from './common.js';
import { softplus } from './math.js';

export default [floatUnaryKernel('Mish', 18, (x) => x * Math.tanh(softplus(x)))];
