/**
 * The FFT shared by DFT and STFT. It follows pocketfft, the FFT numpy uses — the factor order, the butterfly of each
 * radix, twiddles computed in double and then rounded, Bluestein's algorithm for lengths with a large prime factor,
 * the 1/n of an inverse applied as a final multiply — so that in single precision it rounds like numpy's float32
 * transforms (bit for bit on the lengths tried). Double precision runs the same steps unrounded.
 */
import type { DType } from '@onnx-ts/core';
import {
  Arith, Pass, radix2, radix4, radix8, radixGeneric, radixOdd, readComplex, writeComplex, type Complex, type Round,
} from './fft-passes.js';

/** Arithmetic left in double precision. */
export const doublePrecision: Round = (x) => x;

/**
 * The precision numpy 2 computes a transform in, whose rounding the ONNX test data carries: the inverse of float32
 * (or 16-bit float) data in single precision — its 1/n factor is a float32 scalar, which picks pocketfft's float32
 * loop — while a forward transform, whose factor is the Python int 1, and float64 data run in double.
 */
export function precisionOf(type: DType, inverse: boolean): Round {
  return inverse && type !== 'float64' ? Math.fround : doublePrecision;
}

/** e^(2πi·k/n) for k < n, computed in double from two tables of about √n entries each, like pocketfft. */
class UnitRoots {
  private readonly low: Complex[] = [];
  private readonly high: Complex[] = [];
  private readonly block: number;

  constructor(private readonly n: number) {
    const count = Math.floor((n + 2) / 2);
    let bits = 1;
    while (2 ** bits * 2 ** bits < count) bits++;
    this.block = 2 ** bits;
    const step = Math.PI / 4 / n;
    for (let i = 0; i < this.block; i++) this.low.push(octantRoot(i, n, step));
    const highCount = Math.floor((count + this.block - 1) / this.block);
    for (let i = 0; i < highCount; i++) this.high.push(octantRoot(i * this.block, n, step));
  }

  get(k: number): Complex {
    const upper = 2 * k > this.n;
    const idx = upper ? this.n - k : k;
    const a = this.low[idx % this.block];
    const b = this.high[Math.floor(idx / this.block)];
    const im = a.re * b.im + a.im * b.re;
    return { re: a.re * b.re - a.im * b.im, im: upper ? -im : im };
  }
}

/** e^(2πi·x/n) with the angle folded into the first octant first, so that symmetric values come out exact. */
function octantRoot(x: number, n: number, step: number): Complex {
  let e = 8 * x;
  const lowerHalf = e >= 4 * n;
  if (lowerHalf) e = 8 * n - e;
  const quadrant = (q: number): Complex => (q < n
    ? { re: Math.cos(q * step), im: Math.sin(q * step) }
    : { re: Math.sin((2 * n - q) * step), im: Math.cos((2 * n - q) * step) });
  let v: Complex;
  if (e < 2 * n) {
    v = quadrant(e);
  } else {
    const q = quadrant(e - 2 * n);
    v = { re: -q.im, im: q.re };
  }
  return { re: v.re, im: lowerHalf ? -v.im : v.im };
}

function roundedRoot(roots: UnitRoots, k: number, round: Round): Complex {
  const w = roots.get(k);
  return { re: round(w.re), im: round(w.im) };
}

function primeFactors(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  while (rest % 2 === 0) { out.push(2); rest /= 2; }
  for (let d = 3; d * d <= rest; d += 2) {
    while (rest % d === 0) { out.push(d); rest /= d; }
  }
  if (rest > 1) out.push(rest);
  return out;
}

/** Radices in pass order: a lone 2 first, then 8s, then a 4 (never both a 2 and a 4), then odd primes ascending. */
function factorize(n: number): number[] {
  const primes = primeFactors(n);
  const twos = primes.filter((p) => p === 2).length;
  return [
    ...(twos % 3 === 1 ? [2] : []),
    ...new Array<number>(Math.floor(twos / 3)).fill(8),
    ...(twos % 3 === 2 ? [4] : []),
    ...primes.filter((p) => p !== 2),
  ];
}

/** pocketfft's operation-count estimate, with a penalty for radices above 5. */
function costGuess(n: number): number {
  let cost = 0;
  for (const f of primeFactors(n)) cost += f <= 5 ? f : 1.1 * f;
  return cost * n;
}

/** The smallest 11-smooth number (2^a·3^b·5^c·7^d·11^e) at least n: a fast FFT length for Bluestein's convolution. */
export function goodSize(n: number): number {
  if (n <= 12) return n;
  let best = 2 * n;
  for (let f11 = 1; f11 < best; f11 *= 11) {
    for (let f7 = f11; f7 < best; f7 *= 7) {
      for (let f5 = f7; f5 < best; f5 *= 5) {
        for (let f3 = f5; f3 < best; f3 *= 3) {
          let x = f3;
          while (x < n) x *= 2;
          if (x < best) best = x;
        }
      }
    }
  }
  return best;
}

interface Stage {
  radix: number;
  /** Twiddles tw[j-1][i-1] = w^(j·l1·i) for j < radix, i < ido. */
  tw: Float64Array;
  /** The radix-th roots of unity, for the generic pass. */
  roots?: Float64Array;
}

/** A complex FFT of length n on interleaved [re, im] data. */
export interface Fft {
  readonly n: number;
  /** In place; the result is multiplied by `scale` (rounded to the working precision by the caller). */
  transform(data: Float64Array, forward: boolean, scale: number): void;
}

class CooleyTukey implements Fft {
  private readonly stages: Stage[] = [];

  constructor(readonly n: number, private readonly round: Round) {
    if (n === 1) return;
    const roots = new UnitRoots(n);
    let l1 = 1;
    for (const radix of factorize(n)) {
      const ido = n / (l1 * radix);
      const tw = new Float64Array(2 * (radix - 1) * (ido - 1));
      for (let j = 1; j < radix; j++) {
        for (let i = 1; i < ido; i++) writeComplex(tw, (j - 1) * (ido - 1) + i - 1, roundedRoot(roots, j * l1 * i, round));
      }
      const stage: Stage = { radix, tw };
      if (radix > 11) {
        stage.roots = new Float64Array(2 * radix);
        for (let j = 0; j < radix; j++) writeComplex(stage.roots, j, roundedRoot(roots, j * l1 * ido, round));
      }
      this.stages.push(stage);
      l1 *= radix;
    }
  }

  transform(data: Float64Array, forward: boolean, scale: number): void {
    const math = new Arith(this.round, forward);
    let src: Float64Array = data;
    let dst: Float64Array = new Float64Array(data.length);
    let l1 = 1;
    for (const { radix, tw, roots } of this.stages) {
      const ido = this.n / (l1 * radix);
      const pass = new Pass(math, radix, ido, l1, src, dst, tw);
      if (roots) {
        radixGeneric(pass, roots);
      } else {
        if (radix === 2) radix2(pass);
        else if (radix === 4) radix4(pass);
        else if (radix === 8) radix8(pass);
        else radixOdd(pass);
        [src, dst] = [dst, src];
      }
      l1 *= radix;
    }
    for (let i = 0; i < data.length; i++) data[i] = scale === 1 ? src[i] : this.round(src[i] * scale);
  }
}

/** Bluestein's algorithm: the transform as a convolution with a chirp, done by FFTs of an 11-smooth length. */
class Bluestein implements Fft {
  private readonly inner: CooleyTukey;
  private readonly chirp: Complex[] = [];
  /** The first half (and middle) of the chirp's transform, divided by the inner length. */
  private readonly chirpSpectrum: Complex[] = [];

  constructor(readonly n: number, private readonly round: Round) {
    const size = goodSize(2 * n - 1);
    this.inner = new CooleyTukey(size, round);
    const roots = new UnitRoots(2 * n);
    // chirp[m] = e^(iπm²/n): the exponent m² mod 2n, grown by 2m - 1 each step.
    let exponent = 0;
    this.chirp.push({ re: 1, im: 0 });
    for (let m = 1; m < n; m++) {
      exponent += 2 * m - 1;
      if (exponent >= 2 * n) exponent -= 2 * n;
      this.chirp.push(roundedRoot(roots, exponent, round));
    }
    const invSize = round(1 / size);
    const padded = new Float64Array(2 * size);
    const scaled = (m: number): Complex => ({ re: round(this.chirp[m].re * invSize), im: round(this.chirp[m].im * invSize) });
    writeComplex(padded, 0, scaled(0));
    for (let m = 1; m < n; m++) {
      writeComplex(padded, m, scaled(m));
      writeComplex(padded, size - m, scaled(m));
    }
    this.inner.transform(padded, true, 1);
    for (let i = 0; i <= size / 2; i++) this.chirpSpectrum.push(readComplex(padded, i));
  }

  transform(data: Float64Array, forward: boolean, scale: number): void {
    const size = this.inner.n;
    const math = new Arith(this.round, forward);
    const inverseMath = new Arith(this.round, !forward);
    const work = new Float64Array(2 * size);
    for (let m = 0; m < this.n; m++) writeComplex(work, m, math.twiddle(readComplex(data, m), this.chirp[m]));
    this.inner.transform(work, true, 1);
    const convolve = (at: number, spectrumAt: number) => {
      writeComplex(work, at, inverseMath.twiddle(readComplex(work, at), this.chirpSpectrum[spectrumAt]));
    };
    convolve(0, 0);
    for (let m = 1; m < Math.floor((size + 1) / 2); m++) {
      convolve(m, m);
      convolve(size - m, m);
    }
    if (size % 2 === 0) convolve(size / 2, size / 2);
    this.inner.transform(work, false, 1);
    for (let m = 0; m < this.n; m++) {
      const v = math.twiddle(readComplex(work, m), this.chirp[m]);
      writeComplex(data, m, { re: this.round(v.re * scale), im: this.round(v.im * scale) });
    }
  }
}

/** pocketfft's choice: Cooley-Tukey unless the length has a prime factor above its square root and the padded
 * Bluestein transform is estimated cheaper. */
export function planFft(n: number, round: Round): Fft {
  const largest = n < 50 ? 0 : Math.max(...primeFactors(n));
  if (largest * largest <= n) return new CooleyTukey(n, round);
  const bluesteinCost = 2 * costGuess(goodSize(2 * n - 1)) * 1.5;
  return bluesteinCost < costGuess(n) ? new Bluestein(n, round) : new CooleyTukey(n, round);
}
