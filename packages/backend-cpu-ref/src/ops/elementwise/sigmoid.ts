import { floatUnaryKernel } from './common.js';
import { sigmoid } from './math.js';

export default [floatUnaryKernel('Sigmoid', 1, sigmoid)];
