import { REDUCE_DTYPES, reductionKernels } from './reduction.js';

/** floor(sqrt(n)) of a non-negative bigint, exact at any size: Newton's iteration, falling from a power of two above. */
function integerSqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((n.toString(2).length >> 1) + 1);
  for (;;) {
    const next = (x + n / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

// 32-bit integers sum their squares in a double and truncate the root on the way back.
export default reductionKernels({
  op: 'ReduceL2',
  axesInputSince: 18,
  dtypes: REDUCE_DTYPES,
  float: { init: 0, step: (a, v) => a + v * v, finish: Math.sqrt },
  bigint: { init: 0n, step: (a, v) => a + v * v, finish: integerSqrt },
});
