// float32 GEMM for weights kept compressed: C (float32, M×N) = A · B with A float32 rows and B stored as float16,
// int8 or int4 values in panels of 8 columns, decoded one cache block at a time into float32 panels. The register
// tile is 4 rows × 8 columns; relaxed-SIMD builds use relaxed_madd (FMLA on ARM).

/** Element kinds of a compressed panel store. */
const KIND_F16 = 0;
const KIND_I8 = 1;
const KIND_I4 = 2;
const KIND_U8 = 3;
const KIND_U4 = 4;

// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline
function tileF32(ap: usize, lda: usize, bp: usize, steps: i32, cp: usize, ldc: usize, first: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const a1 = ap + lda, a2 = ap + 2 * lda, a3 = ap + 3 * lda;
  for (let s = 0; s < steps; s++) {
    const off = <usize>(s << 2);
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    const x0 = f32x4.splat(load<f32>(ap + off));
    c00 = madd(x0, b0, c00);
    c01 = madd(x0, b1, c01);
    const x1 = f32x4.splat(load<f32>(a1 + off));
    c10 = madd(x1, b0, c10);
    c11 = madd(x1, b1, c11);
    const x2 = f32x4.splat(load<f32>(a2 + off));
    c20 = madd(x2, b0, c20);
    c21 = madd(x2, b1, c21);
    const x3 = f32x4.splat(load<f32>(a3 + off));
    c30 = madd(x3, b0, c30);
    c31 = madd(x3, b1, c31);
    bp += 32;
  }
  if (!first) {
    c00 = f32x4.add(c00, v128.load(cp)); c01 = f32x4.add(c01, v128.load(cp, 16));
    c10 = f32x4.add(c10, v128.load(cp + ldc)); c11 = f32x4.add(c11, v128.load(cp + ldc, 16));
    c20 = f32x4.add(c20, v128.load(cp + 2 * ldc)); c21 = f32x4.add(c21, v128.load(cp + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(cp + 3 * ldc)); c31 = f32x4.add(c31, v128.load(cp + 3 * ldc, 16));
  }
  v128.store(cp, c00); v128.store(cp, c01, 16);
  v128.store(cp + ldc, c10); v128.store(cp + ldc, c11, 16);
  v128.store(cp + 2 * ldc, c20); v128.store(cp + 2 * ldc, c21, 16);
  v128.store(cp + 3 * ldc, c30); v128.store(cp + 3 * ldc, c31, 16);
}

/** float16 bits (8 of them in a v128 of u16) to float32, in two vectors: exact for every half, NaN and ±Inf kept. */
// @ts-ignore: decorator
@inline
function halfToFloat(h: v128, high: bool): v128 {
  const w = high ? i32x4.extend_high_i16x8_u(h) : i32x4.extend_low_i16x8_u(h);
  const sign = i32x4.shl(v128.and(w, i32x4.splat(0x8000)), 16);
  const body = i32x4.shl(v128.and(w, i32x4.splat(0x7fff)), 13);
  // Rescaling by 2^112 moves the exponent bias from 15 to 127, subnormal halves included.
  const scaled = f32x4.mul(body, f32x4.splat(5.192296858534828e33));
  const special = i32x4.ge_s(body, i32x4.splat(0x7c00 << 13));
  const infNan = v128.or(body, i32x4.splat(0x7f800000));
  return v128.or(v128.bitselect(infNan, scaled, special), sign);
}

/**
 * Decodes block rows [k0, k0 + kLen) of panels [p0, p0 + count) of a compressed store into float32 panels at dst
 * (kLen × 8 floats per panel). Quantized kinds apply (v - zp) · scale with float32 scale and zp per (k-block,
 * column), k-blocks of `blockK` rows: params holds, per panel and k-block, 8 scales then 8 zero points.
 */
function decodePanels(kind: i32, src: usize, k: i32, params: usize, blockK: i32, p0: i32, count: i32, k0: i32, kLen: i32, dst: usize): void {
  const blocks = (k + blockK - 1) / blockK;
  for (let p = 0; p < count; p++) {
    const panel = p0 + p;
    let out = dst + <usize>p * <usize>kLen * 32;
    for (let kk = k0; kk < k0 + kLen; kk++) {
      const at = <usize>panel * <usize>k + <usize>kk;
      let lo: v128, hi: v128;
      if (kind == KIND_F16) {
        const h = v128.load(src + (at << 4));
        lo = halfToFloat(h, false);
        hi = halfToFloat(h, true);
      } else {
        let w0: v128, w1: v128;
        if (kind == KIND_I8 || kind == KIND_U8) {
          const b = v128.load64_zero(src + (at << 3));
          const h = kind == KIND_I8 ? i16x8.extend_low_i8x16_s(b) : i16x8.extend_low_i8x16_u(b);
          w0 = i32x4.extend_low_i16x8_s(h);
          w1 = i32x4.extend_high_i16x8_s(h);
        } else {
          // Four bytes, byte b holding column 2b in its low nibble and column 2b + 1 in its high nibble.
          const v = v128.load32_zero(src + (at << 2));
          const low = v128.and(v, i8x16.splat(15));
          const high = v128.and(i8x16.shr_u(v, 4), i8x16.splat(15));
          let bytes = i8x16.shuffle(low, high, 0, 16, 1, 17, 2, 18, 3, 19, 0, 0, 0, 0, 0, 0, 0, 0);
          if (kind == KIND_I4) bytes = i8x16.sub(v128.xor(bytes, i8x16.splat(8)), i8x16.splat(8));
          const h = i16x8.extend_low_i8x16_s(bytes);
          w0 = i32x4.extend_low_i16x8_s(h);
          w1 = i32x4.extend_high_i16x8_s(h);
        }
        const pb = params + ((<usize>panel * <usize>blocks + <usize>(kk / blockK)) << 6);
        lo = f32x4.mul(f32x4.sub(f32x4.convert_i32x4_s(w0), v128.load(pb, 32)), v128.load(pb));
        hi = f32x4.mul(f32x4.sub(f32x4.convert_i32x4_s(w1), v128.load(pb, 48)), v128.load(pb, 16));
      }
      v128.store(out, lo);
      v128.store(out, hi, 16);
      out += 32;
    }
  }
}

/**
 * float32 GEMM over a compressed B: C (m rows, a multiple of 4, stride ldc bytes; nPanels·8 columns) = A · B.
 * A: rows of k floats (stride lda bytes). `scratch` holds one decoded block: kc × ncPanels·8 floats.
 */
export function gemmF32(a: usize, lda: i32, kind: i32, src: usize, params: usize, blockK: i32, k: i32, c: usize, ldc: i32, m: i32, nPanels: i32, kc: i32, ncPanels: i32, scratch: usize): void {
  for (let jc = 0; jc < nPanels; jc += ncPanels) {
    const count = min(ncPanels, nPanels - jc);
    for (let pc = 0; pc < k; pc += kc) {
      const kLen = min(kc, k - pc);
      decodePanels(kind, src, k, params, blockK, jc, count, pc, kLen, scratch);
      const first = pc == 0;
      for (let i = 0; i < m; i += 4) {
        const ap = a + <usize>i * lda + (<usize>pc << 2);
        const cRow = c + <usize>i * ldc;
        for (let j = 0; j < count; j++) {
          tileF32(ap, lda, scratch + <usize>j * <usize>kLen * 32, kLen, cRow + <usize>(jc + j) * 32, ldc, first);
        }
      }
    }
  }
}

/** float16 bits to float32, n values (exact). */
export function halfToFloatArray(src: usize, n: i32, dst: usize): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const h = v128.load(src + (<usize>i << 1));
    v128.store(dst + (<usize>i << 2), halfToFloat(h, false));
    v128.store(dst + (<usize>i << 2), halfToFloat(h, true), 16);
  }
  for (; i < n; i++) {
    const h = i16x8.splat(<i16>load<u16>(src + (<usize>i << 1)));
    store<f32>(dst + (<usize>i << 2), f32x4.extract_lane(halfToFloat(h, false), 0));
  }
}

/** float32 to float16 bits, n values, rounded to nearest even; overflow gives ±Inf, NaN stays NaN. */
export function floatToHalfArray(src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const bits = load<u32>(src + (<usize>i << 2));
    const sign = (bits >>> 16) & 0x8000;
    const exp = <i32>((bits >>> 23) & 0xff);
    const mant = bits & 0x7fffff;
    let h: u32;
    if (exp == 0xff) {
      h = mant ? 0x7e00 : 0x7c00;
    } else {
      const e = exp - 127 + 15;
      if (e >= 31) {
        h = 0x7c00;
      } else if (e <= 0) {
        // Subnormal half (or zero): shift the mantissa with its implicit bit, round to nearest even.
        if (e < -10) {
          h = 0;
        } else {
          const m = mant | 0x800000;
          const shift = <u32>(14 - e);
          const half = <u32>1 << (shift - 1);
          const rest = m & ((<u32>1 << shift) - 1);
          h = m >>> shift;
          if (rest > half || (rest == half && (h & 1))) h++;
        }
      } else {
        h = (<u32>e << 10) | (mant >>> 13);
        const rest = mant & 0x1fff;
        // A carry out of the mantissa correctly bumps the exponent (up to Inf).
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) h++;
      }
    }
    store<u16>(dst + (<usize>i << 1), <u16>(h | sign));
  }
}
