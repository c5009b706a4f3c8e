/** The discrete Fourier transform of one line of samples, shared by DFT and STFT (a direct O(n²) sum in float64). */

/** cos and sin of 2πj/n for j < n: the factors of an n-point transform, computed once per call. */
export interface Twiddles {
  n: number;
  cos: Float64Array;
  sin: Float64Array;
}

export function twiddles(n: number): Twiddles {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    cos[j] = Math.cos((2 * Math.PI * j) / n);
    sin[j] = Math.sin((2 * Math.PI * j) / n);
  }
  return { n, cos, sin };
}

/**
 * y[k] = scale · Σ_{t < len} x[t] · e^(sign · 2πi · k·t / n) for k < bins, the signal being zero from `len` to n.
 * `xIm` is undefined for a real signal.
 */
export function dftLine(
  tw: Twiddles, xRe: Float64Array, xIm: Float64Array | undefined, len: number, bins: number, sign: 1 | -1, scale: number,
  yRe: Float64Array, yIm: Float64Array,
): void {
  const { n, cos, sin } = tw;
  for (let k = 0; k < bins; k++) {
    let re = 0;
    let im = 0;
    // j = k·t mod n, advanced by k each step so it never overflows.
    let j = 0;
    for (let t = 0; t < len; t++) {
      const c = cos[j];
      const s = sign * sin[j];
      const a = xRe[t];
      const b = xIm ? xIm[t] : 0;
      re += a * c - b * s;
      im += a * s + b * c;
      j += k;
      if (j >= n) j -= n;
    }
    yRe[k] = re * scale;
    yIm[k] = im * scale;
  }
}
