/**
 * The butterfly passes of a mixed-radix Cooley-Tukey FFT, with pocketfft's pass structure (the FFT behind numpy) down
 * to the order of every addition, so that run in single precision they round like numpy's float32 transforms. Every
 * arithmetic result goes through `round`: Math.fround for single precision, the identity for double.
 *
 * A pass of radix p over `l1` blocks of `ido` points reads its input as [l1][p][ido] and writes [p][l1][ido]; output j
 * of butterfly (k, i) is multiplied by the twiddle tw[j-1][i-1] when both i and j are non-zero.
 */

export type Round = (x: number) => number;

export interface Complex {
  re: number;
  im: number;
}

/** Complex arithmetic rounded to the working precision, in one transform direction. */
export class Arith {
  constructor(readonly round: Round, readonly forward: boolean) {}

  add(a: Complex, b: Complex): Complex {
    return { re: this.round(a.re + b.re), im: this.round(a.im + b.im) };
  }

  sub(a: Complex, b: Complex): Complex {
    return { re: this.round(a.re - b.re), im: this.round(a.im - b.im) };
  }

  /** a · w for the inverse transform, a · conj(w) for the forward one. */
  twiddle(a: Complex, w: Complex): Complex {
    const r = this.round;
    return this.forward
      ? { re: r(r(a.re * w.re) + r(a.im * w.im)), im: r(r(a.im * w.re) - r(a.re * w.im)) }
      : { re: r(r(a.re * w.re) - r(a.im * w.im)), im: r(r(a.re * w.im) + r(a.im * w.re)) };
  }

  /** Multiplies by -i (forward) or i (inverse). */
  rot90(a: Complex): Complex {
    return this.forward ? { re: a.im, im: -a.re } : { re: -a.im, im: a.re };
  }

  /** Multiplies by e^(∓iπ/4), with `half` = √½ in the working precision. */
  rot45(a: Complex, half: number): Complex {
    const r = this.round;
    return this.forward
      ? { re: r(half * r(a.re + a.im)), im: r(half * r(a.im - a.re)) }
      : { re: r(half * r(a.re - a.im)), im: r(half * r(a.im + a.re)) };
  }

  /** Multiplies by e^(∓3iπ/4). */
  rot135(a: Complex, half: number): Complex {
    const r = this.round;
    return this.forward
      ? { re: r(half * r(a.im - a.re)), im: -r(half * r(a.re + a.im)) }
      : { re: -r(half * r(a.re + a.im)), im: r(half * r(a.re - a.im)) };
  }
}

export function readComplex(data: Float64Array, at: number): Complex {
  return { re: data[2 * at], im: data[2 * at + 1] };
}

export function writeComplex(data: Float64Array, at: number, v: Complex): void {
  data[2 * at] = v.re;
  data[2 * at + 1] = v.im;
}

/** One pass: where it reads, writes and finds its twiddles. */
export class Pass {
  constructor(
    readonly math: Arith, readonly radix: number, readonly ido: number, readonly l1: number,
    readonly src: Float64Array, readonly dst: Float64Array, readonly tw: Float64Array,
  ) {}

  get(k: number, j: number, i: number): Complex {
    return readComplex(this.src, i + this.ido * (j + this.radix * k));
  }

  /** Twiddle j (1..radix-1) of point i (1..ido-1). */
  twiddleOf(j: number, i: number): Complex {
    return readComplex(this.tw, (j - 1) * (this.ido - 1) + i - 1);
  }

  put(k: number, j: number, i: number, v: Complex): void {
    const at = i + this.ido * (k + this.l1 * j);
    writeComplex(this.dst, at, i === 0 || j === 0 ? v : this.math.twiddle(v, this.twiddleOf(j, i)));
  }
}

function forEachButterfly(p: Pass, body: (k: number, i: number) => void): void {
  for (let k = 0; k < p.l1; k++) for (let i = 0; i < p.ido; i++) body(k, i);
}

export function radix2(p: Pass): void {
  const m = p.math;
  forEachButterfly(p, (k, i) => {
    const a = p.get(k, 0, i);
    const b = p.get(k, 1, i);
    p.put(k, 0, i, m.add(a, b));
    p.put(k, 1, i, m.sub(a, b));
  });
}

export function radix4(p: Pass): void {
  const m = p.math;
  forEachButterfly(p, (k, i) => {
    const [x0, x1, x2, x3] = [0, 1, 2, 3].map((j) => p.get(k, j, i));
    const t2 = m.add(x0, x2);
    const t1 = m.sub(x0, x2);
    const t3 = m.add(x1, x3);
    const t4 = m.rot90(m.sub(x1, x3));
    p.put(k, 0, i, m.add(t2, t3));
    p.put(k, 1, i, m.add(t1, t4));
    p.put(k, 2, i, m.sub(t2, t3));
    p.put(k, 3, i, m.sub(t1, t4));
  });
}

export function radix8(p: Pass): void {
  const m = p.math;
  const half = m.round(Math.SQRT1_2);
  forEachButterfly(p, (k, i) => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => p.get(k, j, i));
    // Odd inputs: a1 ± a3 and the rotated a5 ± a7.
    const s15 = m.add(x[1], x[5]);
    const s37 = m.add(x[3], x[7]);
    const a1 = m.add(s15, s37);
    const a3 = m.rot90(m.sub(s15, s37));
    const d15 = m.sub(x[1], x[5]);
    const d37 = m.rot90(m.sub(x[3], x[7]));
    const a5 = m.rot45(m.add(d15, d37), half);
    const a7 = m.rot135(m.sub(d15, d37), half);
    // Even inputs.
    const s04 = m.add(x[0], x[4]);
    const s26 = m.add(x[2], x[6]);
    const a0 = m.add(s04, s26);
    const a2 = m.sub(s04, s26);
    const d04 = m.sub(x[0], x[4]);
    const d26 = m.rot90(m.sub(x[2], x[6]));
    const a4 = m.add(d04, d26);
    const a6 = m.sub(d04, d26);
    p.put(k, 0, i, m.add(a0, a1));
    p.put(k, 4, i, m.sub(a0, a1));
    p.put(k, 2, i, m.add(a2, a3));
    p.put(k, 6, i, m.sub(a2, a3));
    p.put(k, 1, i, m.add(a4, a5));
    p.put(k, 5, i, m.sub(a4, a5));
    p.put(k, 3, i, m.add(a6, a7));
    p.put(k, 7, i, m.sub(a6, a7));
  });
}

/**
 * cos and ±sin of 2πm/p for m < p in the working precision (sin negated for the forward transform): the constants of
 * an odd-radix butterfly, rounded from accurate values the way a compile-time constant is.
 */
function radixRoots(p: number, math: Arith): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(p);
  const sin = new Float64Array(p);
  const sign = math.forward ? -1 : 1;
  for (let m = 0; m <= p / 2; m++) {
    cos[m] = math.round(Math.cos((2 * Math.PI * m) / p));
    sin[m] = sign * math.round(Math.sin((2 * Math.PI * m) / p));
    if (m > 0) {
      cos[p - m] = cos[m];
      sin[p - m] = -sin[m];
    }
  }
  return { cos, sin };
}

/**
 * Radix 3, 5, 7 and 11: inputs paired as sums and differences x_j ± x_(p-j); output u (and p-u) is
 * x_0 + Σ cos(2πuj/p)·sum_j ± i·Σ sin(2πuj/p)·difference_j, accumulated left to right.
 */
export function radixOdd(p: Pass): void {
  const m = p.math;
  const r = m.round;
  const radix = p.radix;
  const half = (radix - 1) / 2;
  const { cos, sin } = radixRoots(radix, m);
  forEachButterfly(p, (k, i) => {
    const x0 = p.get(k, 0, i);
    const sums: Complex[] = [];
    const diffs: Complex[] = [];
    let total = x0;
    for (let j = 1; j <= half; j++) {
      const a = p.get(k, j, i);
      const b = p.get(k, radix - j, i);
      sums[j] = m.add(a, b);
      diffs[j] = m.sub(a, b);
      total = m.add(total, sums[j]);
    }
    p.put(k, 0, i, total);
    for (let u = 1; u <= half; u++) {
      let caRe = x0.re;
      let caIm = x0.im;
      let cbRe = 0;
      let cbIm = 0;
      for (let j = 1; j <= half; j++) {
        const at = (u * j) % radix;
        caRe = r(caRe + r(cos[at] * sums[j].re));
        caIm = r(caIm + r(cos[at] * sums[j].im));
        const reTerm = r(sin[at] * diffs[j].im);
        const imTerm = r(sin[at] * diffs[j].re);
        cbRe = j === 1 ? reTerm : r(cbRe + reTerm);
        cbIm = j === 1 ? imTerm : r(cbIm + imTerm);
      }
      const ca = { re: caRe, im: caIm };
      const cb = { re: -cbRe, im: cbIm };
      p.put(k, u, i, m.add(ca, cb));
      p.put(k, radix - u, i, m.sub(ca, cb));
    }
  });
}

/**
 * Any other (prime) radix, pocketfft's generic pass: `roots` holds the radix-th roots of unity, and the result is left
 * in `src` (laid out like `dst`), `dst` serving as scratch.
 */
export function radixGeneric(p: Pass, roots: Float64Array): void {
  const { math: m, radix, ido, l1, src, dst } = p;
  const r = m.round;
  const half = (radix + 1) / 2;
  const span = ido * l1;
  const wal = Array.from({ length: radix }, (_, j) => {
    const w = readComplex(roots, j);
    return m.forward ? { re: w.re, im: -w.im } : w;
  });
  const CH = (ik: number, j: number) => readComplex(dst, ik + span * j);
  const CX = (ik: number, j: number) => readComplex(src, ik + span * j);
  const setCX = (ik: number, j: number, v: Complex) => writeComplex(src, ik + span * j, v);
  // Sums and differences of the paired inputs, into dst.
  for (let k = 0; k < l1; k++) {
    for (let i = 0; i < ido; i++) {
      const ik = i + ido * k;
      writeComplex(dst, ik, p.get(k, 0, i));
      for (let j = 1; j < half; j++) {
        const a = p.get(k, j, i);
        const b = p.get(k, radix - j, i);
        writeComplex(dst, ik + span * j, m.add(a, b));
        writeComplex(dst, ik + span * (radix - j), m.sub(a, b));
      }
    }
  }
  for (let ik = 0; ik < span; ik++) {
    let total = CH(ik, 0);
    for (let j = 1; j < half; j++) total = m.add(total, CH(ik, j));
    setCX(ik, 0, total);
  }
  for (let l = 1, lc = radix - 1; l < half; l++, lc--) {
    const w1 = wal[l];
    const w2 = wal[2 * l];
    for (let ik = 0; ik < span; ik++) {
      const c0 = CH(ik, 0);
      const c1 = CH(ik, 1);
      const c2 = CH(ik, 2);
      const cLast = CH(ik, radix - 1);
      const cPrev = CH(ik, radix - 2);
      setCX(ik, l, {
        re: r(r(c0.re + r(w1.re * c1.re)) + r(w2.re * c2.re)),
        im: r(r(c0.im + r(w1.re * c1.im)) + r(w2.re * c2.im)),
      });
      setCX(ik, lc, {
        re: r(r(-w1.im * cLast.im) - r(w2.im * cPrev.im)),
        im: r(r(w1.im * cLast.re) + r(w2.im * cPrev.re)),
      });
    }
    // The remaining terms, two at a time while two are left: acc ± (term_j + term_(j+1)).
    let iwal = 2 * l;
    const nextRoot = (): Complex => {
      iwal += l;
      if (iwal > radix) iwal -= radix;
      return wal[iwal];
    };
    let j = 3;
    for (; j < half; j += 2) {
      const pair = j < half - 1;
      const xa = nextRoot();
      const xb = pair ? nextRoot() : undefined;
      for (let ik = 0; ik < span; ik++) {
        const a = CH(ik, j);
        const ac = CH(ik, radix - j);
        let re = r(a.re * xa.re);
        let im = r(a.im * xa.re);
        let cRe = r(ac.im * xa.im);
        let cIm = r(ac.re * xa.im);
        if (xb) {
          const b = CH(ik, j + 1);
          const bc = CH(ik, radix - j - 1);
          re = r(re + r(b.re * xb.re));
          im = r(im + r(b.im * xb.re));
          cRe = r(cRe + r(bc.im * xb.im));
          cIm = r(cIm + r(bc.re * xb.im));
        }
        const acc = CX(ik, l);
        const accC = CX(ik, lc);
        setCX(ik, l, { re: r(acc.re + re), im: r(acc.im + im) });
        setCX(ik, lc, { re: r(accC.re - cRe), im: r(accC.im + cIm) });
      }
      if (!pair) break;
    }
  }
  // Combine the halves and apply the twiddles, in place.
  for (let j = 1, jc = radix - 1; j < half; j++, jc--) {
    for (let k = 0; k < l1; k++) {
      for (let i = 0; i < ido; i++) {
        const ik = i + ido * k;
        const a = CX(ik, j);
        const b = CX(ik, jc);
        const sum = m.add(a, b);
        const diff = m.sub(a, b);
        setCX(ik, j, i === 0 ? sum : m.twiddle(sum, p.twiddleOf(j, i)));
        setCX(ik, jc, i === 0 ? diff : m.twiddle(diff, p.twiddleOf(jc, i)));
      }
    }
  }
}
