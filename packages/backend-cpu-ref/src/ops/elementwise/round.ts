import { floatUnaryKernel } from './common.js';
import { roundHalfEven } from './math.js';

export default [floatUnaryKernel('Round', 11, roundHalfEven)];
