import { floatUnaryKernel } from './common.js';
import { softplus } from './math.js';

export default [floatUnaryKernel('Softplus', 1, softplus)];
