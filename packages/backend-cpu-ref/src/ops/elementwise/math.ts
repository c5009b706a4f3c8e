/** Scalar math the elementwise kernels share, in double precision, with the edge cases C's libm has and JS lacks. */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The error function. For |x| < 6 it sums erf(x) = 2/sqrt(pi) * exp(-x^2) * sum(2^n x^(2n+1) / (2n+1)!!), whose terms
 * are all positive, so nothing cancels; beyond 6, erf is 1 to double precision.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  const x2 = a * a;
  let term = a;
  let sum = a;
  for (let n = 1; term > sum * 1e-17; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  const y = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  return x < 0 ? -y : y;
}

/** 1 / (1 + e^-x), written so that neither branch overflows. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) without overflow for large x. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Rounds half to even (numpy's round), keeping the sign of zero. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const floor = Math.floor(x);
  const diff = x - floor;
  const r = diff > 0.5 || (diff === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
  return r === 0 && x < 0 ? -0 : r;
}

/** C's pow: 1^y and x^0 are 1 even for NaN, and (-1)^±inf is 1 (JS gives NaN for these). */
export function cPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

/** base^exp modulo 2^32 by squaring (exp >= 0), for integer tensors that wrap like C. */
export function wrappingPow32(base: number, exp: bigint): number {
  let result = 1;
  let b = base | 0;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = Math.imul(result, b);
    b = Math.imul(b, b);
  }
  return result;
}

/** base^exp modulo 2^64 by squaring (exp >= 0); the result is reinterpreted as signed or unsigned by `wrap`. */
export function wrappingPow64(base: bigint, exp: bigint, wrap: (v: bigint) => bigint): bigint {
  let result = 1n;
  let b = base;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = wrap(result * b);
    b = wrap(b * b);
  }
  return result;
}

/** Integer a^e for a negative exponent: 1/a^|e| truncated, which is non-zero only for a = ±1. */
export function negativeIntPow(a: number, e: number | bigint): number {
  if (a === 1) return 1;
  if (a === -1) return BigInt(e) % 2n === 0n ? 1 : -1;
  if (a === 0) throw new Error('Pow: integer 0 raised to a negative power is undefined');
  return 0;
}
