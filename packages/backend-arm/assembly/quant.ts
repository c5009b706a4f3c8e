// Element-wise quantization kernels: requantizing int32 accumulators, scaling them to float, QuantizeLinear,
// DequantizeLinear and the range scan of DynamicQuantizeLinear.

/** How a parameter of an epilogue is indexed: one value (0), one per row (1), one per column (2). */
const PER_ROW = 1;

const PER_COLUMN = 2;

// @ts-ignore: decorator
@inline
function lowHalfToF64(v: v128): v128 {
  return f64x2.convert_low_i32x4_s(v);
}

// @ts-ignore: decorator
@inline
function highHalfToF64(v: v128): v128 {
  return f64x2.convert_low_i32x4_s(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

// @ts-ignore: decorator
@inline
function paramPair(p: usize, mode: i32, rowValue: f64, j: i32): v128 {
  return mode == PER_COLUMN ? v128.load(p + (<usize>j << 3)) : f64x2.splat(rowValue);
}

// @ts-ignore: decorator
@inline
function rowParam(p: usize, mode: i32, i: i32): f64 {
  return mode == PER_COLUMN ? 0 : load<f64>(p + (mode == PER_ROW ? <usize>i << 3 : 0));
}

/** Four accumulators (+ bias) times their multipliers plus zp, rounded half to even and clamped, as int32 lanes. */
// @ts-ignore: decorator
@inline
function requantize4(acc: v128, m01: v128, m23: v128, vz: v128, vlo: v128, vhi: v128): v128 {
  // pmax/pmin keep a NaN lane NaN, as max/min do, in fewer instructions (see quantize4).
  const r01 = f64x2.pmin(f64x2.pmax(f64x2.nearest(f64x2.add(f64x2.mul(lowHalfToF64(acc), m01), vz)), vlo), vhi);
  const r23 = f64x2.pmin(f64x2.pmax(f64x2.nearest(f64x2.add(f64x2.mul(highHalfToF64(acc), m23), vz)), vlo), vhi);
  // trunc_sat turns a NaN (zero or infinite scales) into 0, as storing NaN into an integer array does.
  return i32x4.shuffle(i32x4.trunc_sat_f64x2_s_zero(r01), i32x4.trunc_sat_f64x2_s_zero(r23), 0, 1, 4, 5);
}

/**
 * Requantizes int32 accumulators: out[i][j] = clamp(round_half_even((c[i][j] + bias) · mult + zp), lo, hi) as
 * bytes. bias (int32) is per row, per column or absent (0); mult (f64) per tensor, row or column; zp one f64.
 * c: rows of stride ldc bytes; out: rows of outStride bytes. Computed in f64, as the reference does.
 */
export function requantize(c: usize, ldc: i32, m: i32, n: i32, bias: usize, biasMode: i32, mult: usize, multMode: i32, zp: f64, lo: f64, hi: f64, out: usize, outStride: i32): void {
  const vz = f64x2.splat(zp), vlo = f64x2.splat(lo), vhi = f64x2.splat(hi);
  const signed = lo < 0;
  for (let i = 0; i < m; i++) {
    const row = c + <usize>i * ldc;
    const o = out + <usize>i * outStride;
    const rowMult = rowParam(mult, multMode, i);
    const rowBias = bias && biasMode == PER_ROW ? load<i32>(bias + (<usize>i << 2)) : 0;
    const colBias = bias != 0 && biasMode == PER_COLUMN;
    const vb = i32x4.splat(rowBias);
    let j = 0;
    for (; j + 16 <= n; j += 16) {
      let q0 = i32x4.splat(0), q1 = i32x4.splat(0), q2 = i32x4.splat(0), q3 = i32x4.splat(0);
      for (let t = 0; t < 4; t++) {
        const jj = j + (t << 2);
        let acc = i32x4.add(v128.load(row + (<usize>jj << 2)), colBias ? v128.load(bias + (<usize>jj << 2)) : vb);
        const q = requantize4(acc, paramPair(mult, multMode, rowMult, jj), paramPair(mult, multMode, rowMult, jj + 2), vz, vlo, vhi);
        if (t == 0) q0 = q;
        else if (t == 1) q1 = q;
        else if (t == 2) q2 = q;
        else q3 = q;
      }
      const h0 = i16x8.narrow_i32x4_s(q0, q1), h1 = i16x8.narrow_i32x4_s(q2, q3);
      v128.store(o + j, signed ? i8x16.narrow_i16x8_s(h0, h1) : i8x16.narrow_i16x8_u(h0, h1));
    }
    for (; j < n; j++) {
      const b = colBias ? load<i32>(bias + (<usize>j << 2)) : rowBias;
      const mj = multMode == PER_COLUMN ? load<f64>(mult + (<usize>j << 3)) : rowMult;
      const v = min(max(nearest(<f64>(load<i32>(row + (<usize>j << 2)) + b) * mj + zp), lo), hi);
      store<u8>(o + j, <u8>(isNaN(v) ? 0 : <i32>v));
    }
  }
}

// @ts-ignore: decorator
@inline
function floatParam(p: usize, mode: i32, i: i32, j: i32): f32 {
  return load<f32>(p + (mode == PER_COLUMN ? <usize>j << 2 : mode == PER_ROW ? <usize>i << 2 : 0));
}

// @ts-ignore: decorator
@inline
function floatQuad(p: usize, mode: i32, i: i32, j: i32): v128 {
  return mode == PER_COLUMN ? v128.load(p + (<usize>j << 2)) : f32x4.splat(load<f32>(p + (mode == PER_ROW ? <usize>i << 2 : 0)));
}

/**
 * Scales int32 accumulators to float32 the way the ops it stands for would: y = round32(c · scale), then
 * y = round32(y · factor) and y = round32(y + bias) when factor / bias are given (0 = absent). scale is f64 per
 * tensor, row or column (its mode); factor and bias are f32, each per tensor, row or column.
 */
export function scaleToFloat(c: usize, ldc: i32, m: i32, n: i32, scale: usize, scaleMode: i32, factor: usize, factorMode: i32, bias: usize, biasMode: i32, out: usize, outStride: i32): void {
  scaleRows(c, ldc, m, n, scale, scaleMode, factor, factorMode, bias, biasMode, out, outStride, false, 0, 0, 0, 0);
}

/**
 * scaleToFloat followed by QuantizeLinear (quantize below) of each float32 value with scale qs and zero point qz,
 * into bytes: one pass, the same roundings as the two kernels.
 */
export function scaleToBytes(c: usize, ldc: i32, m: i32, n: i32, scale: usize, scaleMode: i32, bias: usize, biasMode: i32, qs: f32, qz: f32, lo: f32, hi: f32, out: usize, outStride: i32): void {
  scaleRows(c, ldc, m, n, scale, scaleMode, 0, 0, bias, biasMode, out, outStride, true, qs, qz, lo, hi);
}

// @ts-ignore: decorator
@inline
function scaleRows(c: usize, ldc: i32, m: i32, n: i32, scale: usize, scaleMode: i32, factor: usize, factorMode: i32, bias: usize, biasMode: i32, out: usize, outStride: i32, toBytes: bool, qs: f32, qz: f32, lo: f32, hi: f32): void {
  const vs = f32x4.splat(qs), vz = f32x4.splat(qz), vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const signed = lo < 0;
  for (let i = 0; i < m; i++) {
    const row = c + <usize>i * ldc;
    const o = out + <usize>i * outStride;
    const rowScale = rowParam(scale, scaleMode, i);
    let j = 0;
    if (toBytes && !factor && scaleMode != PER_COLUMN && biasMode != PER_COLUMN) {
      // A convolution's rows (one scale and bias per row): 16 values per step, the row's parameters splatted once.
      const vscale = f64x2.splat(rowScale);
      const vbias = bias ? f32x4.splat(floatParam(bias, biasMode, i, 0)) : f32x4.splat(0);
      const hasBias = bias != 0;
      for (; j + 16 <= n; j += 16) {
        const at = row + (<usize>j << 2);
        const q0 = quantize4(scaledQuad(v128.load(at), vscale, vbias, hasBias), vs, vz, vlo, vhi);
        const q1 = quantize4(scaledQuad(v128.load(at, 16), vscale, vbias, hasBias), vs, vz, vlo, vhi);
        const q2 = quantize4(scaledQuad(v128.load(at, 32), vscale, vbias, hasBias), vs, vz, vlo, vhi);
        const q3 = quantize4(scaledQuad(v128.load(at, 48), vscale, vbias, hasBias), vs, vz, vlo, vhi);
        const h0 = i16x8.narrow_i32x4_s(q0, q1), h1 = i16x8.narrow_i32x4_s(q2, q3);
        v128.store(o + <usize>j, signed ? i8x16.narrow_i16x8_s(h0, h1) : i8x16.narrow_i16x8_u(h0, h1));
      }
    }
    for (; j + 4 <= n; j += 4) {
      const acc = v128.load(row + (<usize>j << 2));
      const y01 = f64x2.mul(lowHalfToF64(acc), paramPair(scale, scaleMode, rowScale, j));
      const y23 = f64x2.mul(highHalfToF64(acc), paramPair(scale, scaleMode, rowScale, j + 2));
      let y = i32x4.shuffle(f32x4.demote_f64x2_zero(y01), f32x4.demote_f64x2_zero(y23), 0, 1, 4, 5);
      if (factor) y = f32x4.mul(y, floatQuad(factor, factorMode, i, j));
      if (bias) y = f32x4.add(y, floatQuad(bias, biasMode, i, j));
      if (toBytes) {
        const q = quantize4(y, vs, vz, vlo, vhi);
        const h = i16x8.narrow_i32x4_s(q, q);
        store<u32>(o + <usize>j, i32x4.extract_lane(signed ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h), 0));
      } else {
        v128.store(o + (<usize>j << 2), y);
      }
    }
    for (; j < n; j++) {
      const sj = scaleMode == PER_COLUMN ? load<f64>(scale + (<usize>j << 3)) : rowScale;
      let y = <f32>(<f64>load<i32>(row + (<usize>j << 2)) * sj);
      if (factor) y *= floatParam(factor, factorMode, i, j);
      if (bias) y += floatParam(bias, biasMode, i, j);
      if (toBytes) {
        const v = min(max(nearest(y / qs) + qz, lo), hi);
        store<u8>(o + <usize>j, <u8>(isNaN(v) ? 0 : <i32>v));
      } else {
        store<f32>(o + (<usize>j << 2), y);
      }
    }
  }
}

/** round32(acc · scale) (+ bias) of four accumulators with one scale: scaleRows' arithmetic. */
// @ts-ignore: decorator
@inline
function scaledQuad(acc: v128, vscale: v128, vbias: v128, hasBias: bool): v128 {
  const y01 = f64x2.mul(lowHalfToF64(acc), vscale);
  const y23 = f64x2.mul(highHalfToF64(acc), vscale);
  const y = i32x4.shuffle(f32x4.demote_f64x2_zero(y01), f32x4.demote_f64x2_zero(y23), 0, 1, 4, 5);
  return hasBias ? f32x4.add(y, vbias) : y;
}

/** Copies n int32 values of each of m rows (stride ldc bytes) to rows of stride outStride bytes. */
export function copyRows(c: usize, ldc: i32, m: i32, n: i32, out: usize, outStride: i32): void {
  for (let i = 0; i < m; i++) memory.copy(out + <usize>i * outStride, c + <usize>i * ldc, <usize>n << 2);
}

/**
 * QuantizeLinear of float32 x laid out as (outer, d, inner): y = clamp(round_half_even(x / scale[d]) + zp[d]),
 * scale f32 and zp f32 per index of the middle axis; y bytes (signed or unsigned by lo/hi).
 */
export function quantize(x: usize, outer: i32, d: i32, inner: i32, scale: usize, zp: usize, lo: f32, hi: f32, y: usize): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const signed = lo < 0;
  let p: usize = 0;
  for (let o = 0; o < outer; o++) {
    for (let a = 0; a < d; a++) {
      const s = load<f32>(scale + (<usize>a << 2));
      const z = load<f32>(zp + (<usize>a << 2));
      const vs = f32x4.splat(s), vz = f32x4.splat(z);
      let i = 0;
      for (; i + 16 <= inner; i += 16) {
        const src = x + ((p + <usize>i) << 2);
        const q0 = quantize4(v128.load(src), vs, vz, vlo, vhi);
        const q1 = quantize4(v128.load(src, 16), vs, vz, vlo, vhi);
        const q2 = quantize4(v128.load(src, 32), vs, vz, vlo, vhi);
        const q3 = quantize4(v128.load(src, 48), vs, vz, vlo, vhi);
        const h0 = i16x8.narrow_i32x4_s(q0, q1), h1 = i16x8.narrow_i32x4_s(q2, q3);
        v128.store(y + p + <usize>i, signed ? i8x16.narrow_i16x8_s(h0, h1) : i8x16.narrow_i16x8_u(h0, h1));
      }
      for (; i < inner; i++) {
        const v = min(max(nearest(load<f32>(x + ((p + <usize>i) << 2)) / s) + z, lo), hi);
        // NaN stays NaN through min/max and truncates to 0, as storing NaN into an integer array does.
        store<u8>(y + p + <usize>i, <u8>(isNaN(v) ? 0 : <i32>v));
      }
      p += <usize>inner;
    }
  }
}

// @ts-ignore: decorator
@inline
function quantize4(v: v128, vs: v128, vz: v128, vlo: v128, vhi: v128): v128 {
  // pmax(q, lo) = q < lo ? lo : q and pmin(q, hi) = hi < q ? hi : q keep a NaN lane NaN, as max/min do, and take one
  // instruction each on x86 (max/min take several there).
  const q = f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.nearest(f32x4.div(v, vs)), vz), vlo), vhi);
  return i32x4.trunc_sat_f32x4_s(q);
}

/**
 * DequantizeLinear of bytes (or int32 when `width` is 4) laid out as (outer, d, inner) into float32:
 * y = (x - zp[d]) · scale[d], zp and scale f32. (x - zp) is exact in f32, so one rounding as in f64.
 */
export function dequantize(x: usize, width: i32, signed: bool, outer: i32, d: i32, inner: i32, scale: usize, zp: usize, y: usize): void {
  let p: usize = 0;
  for (let o = 0; o < outer; o++) {
    for (let a = 0; a < d; a++) {
      const s = load<f32>(scale + (<usize>a << 2));
      const z = load<f32>(zp + (<usize>a << 2));
      const vs = f32x4.splat(s), vz = f32x4.splat(z);
      let i = 0;
      if (width == 1) {
        for (; i + 16 <= inner; i += 16) {
          const v = v128.load(x + p + <usize>i);
          const h0 = signed ? i16x8.extend_low_i8x16_s(v) : i16x8.extend_low_i8x16_u(v);
          const h1 = signed ? i16x8.extend_high_i8x16_s(v) : i16x8.extend_high_i8x16_u(v);
          const out = y + ((p + <usize>i) << 2);
          v128.store(out, dequantize4(i32x4.extend_low_i16x8_s(h0), vs, vz));
          v128.store(out, dequantize4(i32x4.extend_high_i16x8_s(h0), vs, vz), 16);
          v128.store(out, dequantize4(i32x4.extend_low_i16x8_s(h1), vs, vz), 32);
          v128.store(out, dequantize4(i32x4.extend_high_i16x8_s(h1), vs, vz), 48);
        }
      }
      for (; i < inner; i++) {
        const at = p + <usize>i;
        const v = width == 4 ? <f64>load<i32>(x + (at << 2)) : signed ? <f64>load<i8>(x + at) : <f64>load<u8>(x + at);
        // int32 inputs may not be exact in f32: subtract and multiply in f64, round once.
        store<f32>(y + (at << 2), <f32>((v - <f64>z) * <f64>s));
      }
      p += <usize>inner;
    }
  }
}

// @ts-ignore: decorator
@inline
function dequantize4(v: v128, vs: v128, vz: v128): v128 {
  return f32x4.mul(f32x4.sub(f32x4.convert_i32x4_s(v), vz), vs);
}

/**
 * Range of float32 x with 0 included (DynamicQuantizeLinear): writes min then max as f32 to out. NaN is skipped,
 * like a `<` comparison skips it.
 */
export function rangeWithZero(x: usize, n: i32, out: usize): void {
  let vmin = f32x4.splat(0), vmax = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    // pmin(a, b) = b < a ? b : a, so a NaN lane of v never replaces the running value.
    vmin = f32x4.pmin(vmin, v);
    vmax = f32x4.pmax(vmax, v);
  }
  let lo = min(min(f32x4.extract_lane(vmin, 0), f32x4.extract_lane(vmin, 1)), min(f32x4.extract_lane(vmin, 2), f32x4.extract_lane(vmin, 3)));
  let hi = max(max(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)), max(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3)));
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  store<f32>(out, lo);
  store<f32>(out, hi, 4);
}

/** y = max(x, floor) over n bytes, signed or unsigned (Relu of quantized values, floor the zero point). */
export function maxBytes(x: usize, n: i32, floor: i32, signed: bool, y: usize): void {
  const vf = i8x16.splat(<i8>floor);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const v = v128.load(x + <usize>i);
    v128.store(y + <usize>i, signed ? i8x16.max_s(v, vf) : i8x16.max_u(v, vf));
  }
  for (; i < n; i++) {
    const v = signed ? <i32>load<i8>(x + <usize>i) : <i32>load<u8>(x + <usize>i);
    store<u8>(y + <usize>i, <u8>max(v, floor));
  }
}

/** y[i] = table[x[i] as unsigned byte] over n bytes (a function of one byte, tabulated). */
export function mapBytes(x: usize, n: i32, table: usize, y: usize): void {
  for (let i = 0; i < n; i++) store<u8>(y + <usize>i, load<u8>(table + <usize>load<u8>(x + <usize>i)));
}

/**
 * Max pooling of `planes` planes of h × w bytes (signed or unsigned) into planes of oh × ow: window (ky, kx) of
 * output (oy, ox) reads row oy·sh + ky·dh - pt, column ox·sw + kx·dw - pl, skipping taps outside the plane (every
 * window holds at least one, which the caller ensures).
 */
export function maxPoolBytes(x: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, oh: i32, ow: i32, signed: bool, y: usize): void {
  // Outputs [inLo, inHi) of a row have every column tap inside the plane: no checks there.
  const span = (kw - 1) * dw;
  const inLo = min(ow, (pl + sw - 1) / sw);
  const lastIn = w - 1 - span + pl;
  const inHi = lastIn < 0 ? inLo : max(inLo, min(ow, lastIn / sw + 1));
  // Signed bytes compare as unsigned after flipping the top bit.
  const flip: u32 = signed ? 0x80 : 0;
  const vflip = i8x16.splat(<i8>flip);
  for (let p = 0; p < planes; p++) {
    const plane = x + <usize>p * h * w;
    const out = y + <usize>p * oh * ow;
    for (let oy = 0; oy < oh; oy++) {
      const o = out + <usize>(oy * ow);
      for (let ox = 0; ox < ow; ox++) store<u8>(o + <usize>ox, 0);
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh + ky * dh - pt;
        if (iy < 0 || iy >= h) continue;
        const row = plane + <usize>iy * w;
        for (let ox = 0; ox < ow; ox++) {
          const x0 = ox * sw - pl;
          // 16 interior outputs at once for strides 1 and 2 (a stride-2 tap reads 32 bytes, the last of them still
          // inside the row while output ox + 16 is interior too).
          if (sw <= 2 && ox >= inLo && ox + 15 + sw <= inHi) {
            let acc = v128.load(o + <usize>ox);
            for (let kx = 0; kx < kw; kx++) {
              const at = row + <usize>(x0 + kx * dw);
              let v = v128.load(at);
              if (sw == 2) v = i8x16.shuffle(v, v128.load(at, 16), 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
              acc = i8x16.max_u(acc, v128.xor(v, vflip));
            }
            v128.store(o + <usize>ox, acc);
            ox += 15;
            continue;
          }
          let best = <u32>load<u8>(o + <usize>ox);
          if (ox >= inLo && ox < inHi) {
            for (let kx = 0; kx < kw; kx++) best = max(best, <u32>load<u8>(row + <usize>(x0 + kx * dw)) ^ flip);
          } else {
            for (let kx = 0; kx < kw; kx++) {
              const ix = x0 + kx * dw;
              if (ix >= 0 && ix < w) best = max(best, <u32>load<u8>(row + <usize>ix) ^ flip);
            }
          }
          store<u8>(o + <usize>ox, <u8>best);
        }
      }
      if (flip) for (let ox = 0; ox < ow; ox++) store<u8>(o + <usize>ox, load<u8>(o + <usize>ox) ^ 0x80);
    }
  }
}

// @ts-ignore: decorator
@inline
function widenLow(v: v128, signed: bool): v128 {
  return signed ? i16x8.extend_low_i8x16_s(v) : i16x8.extend_low_i8x16_u(v);
}

// @ts-ignore: decorator
@inline
function widenHigh(v: v128, signed: bool): v128 {
  return signed ? i16x8.extend_high_i8x16_s(v) : i16x8.extend_high_i8x16_u(v);
}

/** Four lanes (i32, from the i16 lanes `h`, low or high half) of a and b dequantized, added and quantized. */
// @ts-ignore: decorator
@inline
function addQuad(ha: v128, hb: v128, high: bool, sa: v128, za: v128, sb: v128, zb: v128, qs: v128, qz: v128, lo: v128, hi: v128): v128 {
  const a = high ? i32x4.extend_high_i16x8_s(ha) : i32x4.extend_low_i16x8_s(ha);
  const b = high ? i32x4.extend_high_i16x8_s(hb) : i32x4.extend_low_i16x8_s(hb);
  return quantize4(f32x4.add(dequantize4(a, sa, za), dequantize4(b, sb, zb)), qs, qz, lo, hi);
}

/**
 * QuantizeLinear(scale qs, zero point qz) of DequantizeLinear(a) + DequantizeLinear(b) over n elements of 8-bit a
 * and b, with the roundings of the three ops: each dequantized value and the sum rounded to float32.
 */
export function addToBytes(a: usize, signedA: bool, sa: f32, za: f32, b: usize, signedB: bool, sb: f32, zb: f32, n: i32, qs: f32, qz: f32, lo: f32, hi: f32, y: usize): void {
  const vsa = f32x4.splat(sa), vza = f32x4.splat(za), vsb = f32x4.splat(sb), vzb = f32x4.splat(zb);
  const vqs = f32x4.splat(qs), vqz = f32x4.splat(qz), vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const signed = lo < 0;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const va = v128.load(a + <usize>i), vb = v128.load(b + <usize>i);
    const la = widenLow(va, signedA), lb = widenLow(vb, signedB), ha = widenHigh(va, signedA), hb = widenHigh(vb, signedB);
    const q0 = addQuad(la, lb, false, vsa, vza, vsb, vzb, vqs, vqz, vlo, vhi);
    const q1 = addQuad(la, lb, true, vsa, vza, vsb, vzb, vqs, vqz, vlo, vhi);
    const q2 = addQuad(ha, hb, false, vsa, vza, vsb, vzb, vqs, vqz, vlo, vhi);
    const q3 = addQuad(ha, hb, true, vsa, vza, vsb, vzb, vqs, vqz, vlo, vhi);
    const h0 = i16x8.narrow_i32x4_s(q0, q1), h1 = i16x8.narrow_i32x4_s(q2, q3);
    v128.store(y + <usize>i, signed ? i8x16.narrow_i16x8_s(h0, h1) : i8x16.narrow_i16x8_u(h0, h1));
  }
  for (; i < n; i++) {
    const va = signedA ? <f32>load<i8>(a + <usize>i) : <f32>load<u8>(a + <usize>i);
    const vb = signedB ? <f32>load<i8>(b + <usize>i) : <f32>load<u8>(b + <usize>i);
    const sum = (va - za) * sa + (vb - zb) * sb;
    const v = min(max(nearest(sum / qs) + qz, lo), hi);
    store<u8>(y + <usize>i, <u8>(isNaN(v) ? 0 : <i32>v));
  }
}

/** How addToFloat reads an operand: float32 values, or unsigned / signed bytes to dequantize. */
const FLOAT_VALUES = 0;
const SIGNED_BYTES = 2;

/** Four values of an addToFloat operand from element i: the floats, or the bytes dequantized. */
// @ts-ignore: decorator
@inline
function operand4(p: usize, kind: i32, i: i32, s: v128, z: v128): v128 {
  if (kind == FLOAT_VALUES) return v128.load(p + (<usize>i << 2));
  const bytes = v128.load32_zero(p + <usize>i);
  const h = kind == SIGNED_BYTES ? i16x8.extend_low_i8x16_s(bytes) : i16x8.extend_low_i8x16_u(bytes);
  return dequantize4(i32x4.extend_low_i16x8_s(h), s, z);
}

// @ts-ignore: decorator
@inline
function operand1(p: usize, kind: i32, i: i32, s: f32, z: f32): f32 {
  if (kind == FLOAT_VALUES) return load<f32>(p + (<usize>i << 2));
  return ((kind == SIGNED_BYTES ? <f32>load<i8>(p + <usize>i) : <f32>load<u8>(p + <usize>i)) - z) * s;
}

/**
 * y = a + b over n float32 values, where an operand is float32 values (kind 0) or unsigned (1) / signed (2) bytes
 * dequantized with scale s and zero point z: DequantizeLinear then Add, each rounded to float32 as the ops do; then
 * max(y, 0) when `rectify` is set (a Relu after them: NaN stays NaN, -0 becomes 0). When `q` is not 0, it receives
 * QuantizeLinear(scale qs, zero point qz) of y as bytes, as quantize computes it.
 */
export function addToFloat(a: usize, kindA: i32, sa: f32, za: f32, b: usize, kindB: i32, sb: f32, zb: f32, n: i32, rectify: bool, y: usize, q: usize, qs: f32, qz: f32, lo: f32, hi: f32): void {
  const vsa = f32x4.splat(sa), vza = f32x4.splat(za), vsb = f32x4.splat(sb), vzb = f32x4.splat(zb);
  const vqs = f32x4.splat(qs), vqz = f32x4.splat(qz), vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const zero = f32x4.splat(0);
  const signed = lo < 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    let sum = f32x4.add(operand4(a, kindA, i, vsa, vza), operand4(b, kindB, i, vsb, vzb));
    if (rectify) sum = f32x4.max(sum, zero);
    v128.store(y + (<usize>i << 2), sum);
    if (q) {
      const h = i16x8.narrow_i32x4_s(quantize4(sum, vqs, vqz, vlo, vhi), zero);
      store<u32>(q + <usize>i, i32x4.extract_lane(signed ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h), 0));
    }
  }
  for (; i < n; i++) {
    let sum = operand1(a, kindA, i, sa, za) + operand1(b, kindB, i, sb, zb);
    if (rectify) sum = max(sum, <f32>0);
    store<f32>(y + (<usize>i << 2), sum);
    if (q) {
      const v = min(max(nearest(sum / qs) + qz, lo), hi);
      store<u8>(q + <usize>i, <u8>(isNaN(v) ? 0 : <i32>v));
    }
  }
}
