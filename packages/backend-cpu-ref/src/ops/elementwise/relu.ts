import { SIGNED_NUMERIC, unaryKernel } from './common.js';

// Integer types arrived in opset 14; the function never changed, so one kernel serves every version.
export default [
  unaryKernel('Relu', 1, SIGNED_NUMERIC, {
    float: (x) => Math.max(x, 0),
    int: (x) => (x > 0 ? x : 0),
    bigint: (x) => (x > 0n ? x : 0n),
  }),
];
