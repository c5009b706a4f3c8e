// Integer GEMM: C (int32, M×N) = A · B where A holds rows of the left operand and B is packed in panels of 8
// columns. Two variants share the blocking:
// - i16: A and B already minus their zero points, widened to i16; `i32x4.dot_i16x8_s` multiplies pairs of k and
//   sums them (SMLAL/ADDP pairs on ARM). Exact.
// - i8 (relaxed SIMD builds): A as signed bytes, B as 7-bit bytes; `i32x4.relaxed_dot_i8x16_i7x16_add_s` sums
//   four products into each lane (SDOT on ARM). The caller adds the zero-point corrections.
// The register tile is 4 rows × 8 columns; kc (depth of a block, in k) and ncPanels (columns of a block, in panels
// of 8) are the cache-blocking sizes the caller chooses.

/** Bytes of one k-step (a pair of k) of a panel of the i16 layout: 8 columns × 2 k × 2 bytes. */
const PAIR_BYTES: i32 = 32;
/** Bytes of one k-step (a quad of k) of a panel of the i8 layout: 8 columns × 4 k × 1 byte. */
const QUAD_BYTES: i32 = 32;

// @ts-ignore: decorator
@inline
function tile16(ap: usize, lda: usize, bp: usize, steps: i32, cp: usize, ldc: usize, first: bool): void {
  let c00 = i32x4.splat(0), c01 = i32x4.splat(0), c10 = i32x4.splat(0), c11 = i32x4.splat(0);
  let c20 = i32x4.splat(0), c21 = i32x4.splat(0), c30 = i32x4.splat(0), c31 = i32x4.splat(0);
  const a1 = ap + lda, a2 = ap + 2 * lda, a3 = ap + 3 * lda;
  for (let s = 0; s < steps; s++) {
    const off = <usize>(s << 2);
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    const x0 = i32x4.splat(load<i32>(ap + off));
    c00 = i32x4.add(c00, i32x4.dot_i16x8_s(x0, b0));
    c01 = i32x4.add(c01, i32x4.dot_i16x8_s(x0, b1));
    const x1 = i32x4.splat(load<i32>(a1 + off));
    c10 = i32x4.add(c10, i32x4.dot_i16x8_s(x1, b0));
    c11 = i32x4.add(c11, i32x4.dot_i16x8_s(x1, b1));
    const x2 = i32x4.splat(load<i32>(a2 + off));
    c20 = i32x4.add(c20, i32x4.dot_i16x8_s(x2, b0));
    c21 = i32x4.add(c21, i32x4.dot_i16x8_s(x2, b1));
    const x3 = i32x4.splat(load<i32>(a3 + off));
    c30 = i32x4.add(c30, i32x4.dot_i16x8_s(x3, b0));
    c31 = i32x4.add(c31, i32x4.dot_i16x8_s(x3, b1));
    bp += PAIR_BYTES;
  }
  storeTile(cp, ldc, first, 0, c00, c01, c10, c11, c20, c21, c30, c31);
}

// @ts-ignore: decorator
@inline
function storeTile(cp: usize, ldc: usize, first: bool, shift: i32, c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128): void {
  if (shift) {
    c00 = i32x4.shl(c00, shift); c01 = i32x4.shl(c01, shift); c10 = i32x4.shl(c10, shift); c11 = i32x4.shl(c11, shift);
    c20 = i32x4.shl(c20, shift); c21 = i32x4.shl(c21, shift); c30 = i32x4.shl(c30, shift); c31 = i32x4.shl(c31, shift);
  }
  if (!first) {
    c00 = i32x4.add(c00, v128.load(cp)); c01 = i32x4.add(c01, v128.load(cp, 16));
    c10 = i32x4.add(c10, v128.load(cp + ldc)); c11 = i32x4.add(c11, v128.load(cp + ldc, 16));
    c20 = i32x4.add(c20, v128.load(cp + 2 * ldc)); c21 = i32x4.add(c21, v128.load(cp + 2 * ldc, 16));
    c30 = i32x4.add(c30, v128.load(cp + 3 * ldc)); c31 = i32x4.add(c31, v128.load(cp + 3 * ldc, 16));
  }
  v128.store(cp, c00); v128.store(cp, c01, 16);
  v128.store(cp + ldc, c10); v128.store(cp + ldc, c11, 16);
  v128.store(cp + 2 * ldc, c20); v128.store(cp + 2 * ldc, c21, 16);
  v128.store(cp + 3 * ldc, c30); v128.store(cp + 3 * ldc, c31, 16);
}

/**
 * i16 GEMM. a: rows of kPad i16 (row stride lda bytes), m a multiple of 4; b: nPanels panels of kPad/2 steps;
 * c: int32 rows of stride ldc bytes holding nPanels·8 columns. kc must be even.
 */
export function gemmI16(a: usize, lda: i32, b: usize, kPad: i32, c: usize, ldc: i32, m: i32, nPanels: i32, kc: i32, ncPanels: i32): void {
  const panelBytes = <usize>(kPad >> 1) * PAIR_BYTES;
  for (let jc = 0; jc < nPanels; jc += ncPanels) {
    const jEnd = min(jc + ncPanels, nPanels);
    for (let pc = 0; pc < kPad; pc += kc) {
      const steps = min(kc, kPad - pc) >> 1;
      const first = pc == 0;
      for (let i = 0; i < m; i += 4) {
        const ap = a + <usize>i * lda + <usize>pc * 2;
        const cRow = c + <usize>i * ldc;
        for (let j = jc; j < jEnd; j++) {
          tile16(ap, lda, b + <usize>j * panelBytes + <usize>(pc >> 1) * PAIR_BYTES, steps, cRow + <usize>j * 32, ldc, first);
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function tile8(ap: usize, lda: usize, bp: usize, steps: i32, cp: usize, ldc: usize, first: bool, shift: i32): void {
  let c00 = i32x4.splat(0), c01 = i32x4.splat(0), c10 = i32x4.splat(0), c11 = i32x4.splat(0);
  let c20 = i32x4.splat(0), c21 = i32x4.splat(0), c30 = i32x4.splat(0), c31 = i32x4.splat(0);
  if (ASC_FEATURE_RELAXED_SIMD) {
    const a1 = ap + lda, a2 = ap + 2 * lda, a3 = ap + 3 * lda;
    for (let s = 0; s < steps; s++) {
      const off = <usize>(s << 2);
      const b0 = v128.load(bp), b1 = v128.load(bp, 16);
      const x0 = i32x4.splat(load<i32>(ap + off));
      c00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x0, b0, c00);
      c01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x0, b1, c01);
      const x1 = i32x4.splat(load<i32>(a1 + off));
      c10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x1, b0, c10);
      c11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x1, b1, c11);
      const x2 = i32x4.splat(load<i32>(a2 + off));
      c20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x2, b0, c20);
      c21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x2, b1, c21);
      const x3 = i32x4.splat(load<i32>(a3 + off));
      c30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x3, b0, c30);
      c31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x3, b1, c31);
      bp += QUAD_BYTES;
    }
  }
  storeTile(cp, ldc, first, shift, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * i8 GEMM (relaxed SIMD builds only): C (+)= (A · B) << shift. a: rows of kPad signed bytes; b: nPanels panels of
 * kPad/4 steps of 7-bit bytes; `accumulate` adds to C instead of overwriting it. kc must be a multiple of 4.
 */
export function gemmI8(a: usize, lda: i32, b: usize, kPad: i32, c: usize, ldc: i32, m: i32, nPanels: i32, kc: i32, ncPanels: i32, shift: i32, accumulate: bool): void {
  const panelBytes = <usize>(kPad >> 2) * QUAD_BYTES;
  for (let jc = 0; jc < nPanels; jc += ncPanels) {
    const jEnd = min(jc + ncPanels, nPanels);
    for (let pc = 0; pc < kPad; pc += kc) {
      const steps = min(kc, kPad - pc) >> 2;
      const first = pc == 0 && !accumulate;
      for (let i = 0; i < m; i += 4) {
        const ap = a + <usize>i * lda + <usize>pc;
        const cRow = c + <usize>i * ldc;
        for (let j = jc; j < jEnd; j++) {
          tile8(ap, lda, b + <usize>j * panelBytes + <usize>(pc >> 2) * QUAD_BYTES, steps, cRow + <usize>j * 32, ldc, first, shift);
        }
      }
    }
  }
}

/** Whether this build has the relaxed-SIMD kernels. */
export function hasRelaxedDot(): bool {
  return ASC_FEATURE_RELAXED_SIMD;
}

/**
 * Zero-point corrections of the i8 GEMM: c[i][j] += db[j]·rowSum[i] + da[i]·colSum[j] + k·da[i]·db[j], all
 * wrapping at 32 bits like the products themselves.
 */
export function addCorrections(c: usize, ldc: i32, m: i32, n: i32, rowSum: usize, da: usize, colSum: usize, db: usize, k: i32): void {
  for (let i = 0; i < m; i++) {
    const ri = load<i32>(rowSum + (<usize>i << 2));
    const dai = load<i32>(da + (<usize>i << 2));
    const row = c + <usize>i * ldc;
    const vr = i32x4.splat(ri), vda = i32x4.splat(dai), vk = i32x4.splat(k * dai);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const dbj = v128.load(db + o);
      let v = v128.load(row + o);
      v = i32x4.add(v, i32x4.mul(dbj, vr));
      v = i32x4.add(v, i32x4.mul(vda, v128.load(colSum + o)));
      v = i32x4.add(v, i32x4.mul(vk, dbj));
      v128.store(row + o, v);
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const dbj = load<i32>(db + o);
      store<i32>(row + o, load<i32>(row + o) + dbj * ri + dai * load<i32>(colSum + o) + k * dai * dbj);
    }
  }
}
