// Operand preparation for the integer GEMMs: rows of the left operand, panels of the right operand, and the
// unfolding of a convolution's input into the rows of its right operand (im2col).

// @ts-ignore: decorator
@inline
function byteAt(p: usize, signed: bool): i32 {
  return signed ? <i32>load<i8>(p) : <i32>load<u8>(p);
}

/**
 * Left operand of the i16 GEMM: `rows` rows of k bytes (stride srcStride) minus their zero point zp[row] (int32 per
 * row), widened to i16 in rows of kPad values (stride dstStride bytes), zero beyond k.
 */
export function rowsI16(src: usize, rows: i32, k: i32, srcStride: i32, signed: bool, zp: usize, dst: usize, dstStride: i32, kPad: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * srcStride;
    const d = dst + <usize>r * dstStride;
    const z = load<i32>(zp + (<usize>r << 2));
    const vz = i16x8.splat(<i16>z);
    let i = 0;
    for (; i + 16 <= k; i += 16) {
      const v = v128.load(s + i);
      const lo = signed ? i16x8.extend_low_i8x16_s(v) : i16x8.extend_low_i8x16_u(v);
      const hi = signed ? i16x8.extend_high_i8x16_s(v) : i16x8.extend_high_i8x16_u(v);
      v128.store(d + (<usize>i << 1), i16x8.sub(lo, vz));
      v128.store(d + (<usize>i << 1), i16x8.sub(hi, vz), 16);
    }
    for (; i < k; i++) store<i16>(d + (<usize>i << 1), <i16>(byteAt(s + i, signed) - z));
    for (; i < kPad; i++) store<i16>(d + (<usize>i << 1), 0);
  }
}

/**
 * Right operand of the i16 GEMM: B (k × n; element (kk, col) at src + kk·rowStride + col·colStride) minus its
 * zero point zp[col] (int32 per column), in panels of 8 columns, each k-pair of a panel stored as
 * [b(k,c0) b(k+1,c0) … b(k,c3) b(k+1,c3)] [same for c4..c7] in i16. Missing rows and columns are zero.
 */
export function packI16(src: usize, k: i32, n: i32, rowStride: i32, colStride: i32, signed: bool, zp: usize, dst: usize, kPad: i32): void {
  const panels = (n + 7) >> 3;
  const panelBytes = <usize>(kPad >> 1) * 32;
  for (let j = 0; j < panels; j++) {
    const c0 = j << 3;
    const base = dst + <usize>j * panelBytes;
    if (c0 + 8 <= n && colStride == 1) {
      const zv = i16x8.narrow_i32x4_s(v128.load(zp + (<usize>c0 << 2)), v128.load(zp + (<usize>c0 << 2), 16));
      for (let kk = 0; kk < kPad; kk += 2) {
        const out = base + <usize>(kk >> 1) * 32;
        const p0 = src + <usize>kk * rowStride + c0;
        const r0 = kk < k ? widen8(p0, signed, zv) : i16x8.splat(0);
        const r1 = kk + 1 < k ? widen8(p0 + rowStride, signed, zv) : i16x8.splat(0);
        v128.store(out, i16x8.shuffle(r0, r1, 0, 8, 1, 9, 2, 10, 3, 11));
        v128.store(out, i16x8.shuffle(r0, r1, 4, 12, 5, 13, 6, 14, 7, 15), 16);
      }
      continue;
    }
    memory.fill(base, 0, panelBytes);
    const last = min(n - c0, 8);
    for (let kk = 0; kk < k; kk++) {
      const row = src + <usize>kk * rowStride;
      const out = base + <usize>(kk >> 1) * 32 + <usize>((kk & 1) << 1);
      for (let t = 0; t < last; t++) {
        const col = c0 + t;
        const v = byteAt(row + <usize>col * colStride, signed) - load<i32>(zp + (<usize>col << 2));
        store<i16>(out + <usize>((t >> 2) << 4) + <usize>((t & 3) << 2), <i16>v);
      }
    }
  }
}

/** Eight bytes at p widened to i16 minus the zero points zv. */
// @ts-ignore: decorator
@inline
function widen8(p: usize, signed: bool, zv: v128): v128 {
  const b = v128.load64_zero(p);
  return i16x8.sub(signed ? i16x8.extend_low_i8x16_s(b) : i16x8.extend_low_i8x16_u(b), zv);
}

/**
 * Left operand of the i8 GEMM: rows of k bytes as signed bytes a' = a - ca (ca = 128 for unsigned input, else 0),
 * rows of kPad bytes (zero beyond k), and each row's sum of a' into rowSum (int32). Returns whether any a' is -128.
 */
export function rowsI8(src: usize, rows: i32, k: i32, srcStride: i32, signed: bool, dst: usize, dstStride: i32, kPad: i32, rowSum: usize): bool {
  const flip = signed ? i8x16.splat(0) : i8x16.splat(-128);
  const lowest = i8x16.splat(-128);
  let seen = i8x16.splat(0);
  let any = false;
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * srcStride;
    const d = dst + <usize>r * dstStride;
    let acc = i32x4.splat(0);
    let i = 0;
    for (; i + 16 <= k; i += 16) {
      const v = v128.xor(v128.load(s + i), flip);
      v128.store(d + i, v);
      seen = v128.or(seen, i8x16.eq(v, lowest));
      acc = i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(v)));
    }
    let sum = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
    for (; i < k; i++) {
      const v = signed ? <i32>load<i8>(s + i) : <i32>load<u8>(s + i) - 128;
      store<i8>(d + i, <i8>v);
      if (v == -128) any = true;
      sum += v;
    }
    for (; i < kPad; i++) store<i8>(d + i, 0);
    store<i32>(rowSum + (<usize>r << 2), sum);
  }
  return any || v128.any_true(seen);
}

/** How the right operand of the i8 GEMM holds its bytes (see packI8). */
const SPLIT_7_BIT = 0;
const SIGNED = 1;

/**
 * Right operand of the i8 GEMM: b' = b - cb (cb int32 per column) in panels of 8 columns, a k-quad of a panel
 * stored as [4 k of c0 … 4 k of c3] [4 k of c4 … c7]. In `mode` SPLIT_7_BIT, b' is 0..255 split into a low plane
 * (bits 0-6, always exact for the i8·i7 dot product) and a high plane (bit 7); in SIGNED mode b' is one byte
 * (-128..127, for engines whose dot product reads it as a signed byte) in the low plane. Column sums of b' go to
 * colSum. Returns whether the high plane has any bit set (SPLIT_7_BIT), or whether any b' is -128 (SIGNED).
 */
export function packI8(src: usize, k: i32, n: i32, rowStride: i32, colStride: i32, signed: bool, cb: usize, mode: i32, lo: usize, hi: usize, kPad: i32, colSum: usize): bool {
  const panels = (n + 7) >> 3;
  const panelBytes = <usize>(kPad >> 2) * 32;
  let flagged = false;
  for (let j = 0; j < panels; j++) {
    const c0 = j << 3;
    const base = <usize>j * panelBytes;
    if (c0 + 8 <= n && colStride == 1) {
      flagged = packBytePanel(src + c0, k, rowStride, cb + (<usize>c0 << 2), mode, lo + base, hi + base, kPad, colSum + (<usize>c0 << 2)) || flagged;
      continue;
    }
    memory.fill(lo + base, 0, panelBytes);
    if (mode == SPLIT_7_BIT) memory.fill(hi + base, 0, panelBytes);
    for (let col = c0; col < min(c0 + 8, n); col++) {
      const at = base + <usize>(((col & 7) >> 2) << 4) + <usize>((col & 3) << 2);
      const c = load<i32>(cb + (<usize>col << 2));
      let sum = 0;
      for (let kk = 0; kk < k; kk++) {
        const v = byteAt(src + <usize>kk * rowStride + <usize>col * colStride, signed) - c;
        const o = at + <usize>(kk >> 2) * 32 + <usize>(kk & 3);
        if (mode == SPLIT_7_BIT) {
          store<u8>(lo + o, <u8>(v & 127));
          if (v > 127) {
            store<u8>(hi + o, 1);
            flagged = true;
          }
        } else {
          store<u8>(lo + o, <u8>v);
          if (v == -128) flagged = true;
        }
        sum += v;
      }
      store<i32>(colSum + (<usize>col << 2), sum);
    }
  }
  return flagged;
}

/**
 * One full panel (8 contiguous columns): four rows of 8 bytes are transposed into the quad layout with one shuffle
 * per half. Every column shares its cb here (the callers' case), applied as a byte subtraction.
 */
function packBytePanel(src: usize, k: i32, rowStride: i32, cb: usize, mode: i32, dst: usize, high: usize, kPad: i32, colSum: usize): bool {
  const shift = i8x16.splat(<i8>load<i32>(cb));
  const lowest = i8x16.splat(-128);
  let sum0 = i32x4.splat(0), sum1 = i32x4.splat(0);
  // The flag packI8 returns: a -128 (SIGNED) or a set bit 7 (SPLIT_7_BIT).
  let flag = i8x16.splat(0);
  for (let kk = 0; kk < kPad; kk += 4) {
    const row = src + <usize>kk * rowStride;
    // Rows past k read as b = cb, so that b' = 0 there.
    let v01 = kk < k ? v128.load64_zero(row) : shift;
    v01 = kk + 1 < k ? v128.load64_lane(row + rowStride, v01, 1) : i64x2.replace_lane(v01, 1, i64x2.extract_lane(shift, 0));
    let v23 = kk + 2 < k ? v128.load64_zero(row + 2 * rowStride) : shift;
    v23 = kk + 3 < k ? v128.load64_lane(row + 3 * rowStride, v23, 1) : i64x2.replace_lane(v23, 1, i64x2.extract_lane(shift, 0));
    v01 = i8x16.sub(v01, shift);
    v23 = i8x16.sub(v23, shift);
    const q0 = i8x16.shuffle(v01, v23, 0, 8, 16, 24, 1, 9, 17, 25, 2, 10, 18, 26, 3, 11, 19, 27);
    const q1 = i8x16.shuffle(v01, v23, 4, 12, 20, 28, 5, 13, 21, 29, 6, 14, 22, 30, 7, 15, 23, 31);
    const at = <usize>(kk >> 2) * 32;
    if (mode == SPLIT_7_BIT) {
      // b'' (0..255) as bits 0-6 and bit 7.
      const bits = i8x16.splat(127);
      v128.store(dst + at, v128.and(q0, bits));
      v128.store(dst + at, v128.and(q1, bits), 16);
      const h0 = i8x16.shr_u(q0, 7), h1 = i8x16.shr_u(q1, 7);
      v128.store(high + at, h0);
      v128.store(high + at, h1, 16);
      flag = v128.or(flag, v128.or(h0, h1));
    } else {
      v128.store(dst + at, q0);
      v128.store(dst + at, q1, 16);
    }
    if (mode == SIGNED) flag = v128.or(flag, v128.or(i8x16.eq(q0, lowest), i8x16.eq(q1, lowest)));
    if (mode == SPLIT_7_BIT) {
      sum0 = i32x4.add(sum0, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(q0)));
      sum1 = i32x4.add(sum1, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(q1)));
    } else {
      sum0 = i32x4.add(sum0, i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(q0)));
      sum1 = i32x4.add(sum1, i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(q1)));
    }
  }
  v128.store(colSum, sum0);
  v128.store(colSum, sum1, 16);
  return v128.any_true(flag);
}

/**
 * im2col for a 2-D convolution of one group of one image: rows kk = (c·kh + ky)·kw + kx of the column matrix, each
 * holding pixels [p0, p0 + count) of the output grid, as bytes; outside the image reads `pad` (the zero point).
 * x: cg planes of h × w bytes; offsets: per kk, int32 triples (plane offset c·h·w, ky·dh, kx·dw).
 */
export function im2col(x: usize, h: i32, w: i32, offsets: usize, kTotal: i32, sh: i32, sw: i32, pt: i32, pl: i32, ow: i32, p0: i32, count: i32, pad: u8, dst: usize, dstStride: i32): void {
  for (let kk = 0; kk < kTotal; kk++) {
    const t = offsets + <usize>kk * 12;
    const plane = x + <usize>load<i32>(t);
    const kyOff = load<i32>(t, 4) - pt;
    const kxOff = load<i32>(t, 8) - pl;
    const row = dst + <usize>kk * dstStride;
    let p = p0;
    const end = p0 + count;
    while (p < end) {
      const oy = p / ow;
      const ox0 = p - oy * ow;
      const run = min(ow - ox0, end - p);
      const out = row + <usize>(p - p0);
      const iy = oy * sh + kyOff;
      if (iy < 0 || iy >= h) {
        memory.fill(out, pad, <usize>run);
      } else {
        const line = plane + <usize>iy * w;
        if (sw == 1) {
          // Contiguous: padding on the left, a copy, padding on the right.
          const ix0 = ox0 + kxOff;
          const left = min(max(-ix0, 0), run);
          const right = min(max(ix0 + run - w, 0), run - left);
          if (left > 0) memory.fill(out, pad, <usize>left);
          const mid = run - left - right;
          if (mid > 0) memory.copy(out + left, line + <usize>(ix0 + left), <usize>mid);
          if (right > 0) memory.fill(out + <usize>(left + mid), pad, <usize>right);
        } else {
          let i = 0;
          while (i < run) {
            const ix = (ox0 + i) * sw + kxOff;
            if (sw == 2 && i + 16 <= run && ix >= 0 && ix + 32 <= w) {
              // Stride 2 inside the row: 16 outputs are the even bytes of the next 32.
              const at = line + <usize>ix;
              v128.store(out + i, i8x16.shuffle(v128.load(at), v128.load(at, 16), 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30));
              i += 16;
              continue;
            }
            store<u8>(out + i, ix >= 0 && ix < w ? load<u8>(line + <usize>ix) : pad);
            i++;
          }
        }
      }
      p += run;
    }
  }
}
