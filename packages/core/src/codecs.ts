/**
 * Encoders and decoders for the element types JS has no native array for: float16, bfloat16, the float8 family,
 * float8e8m0 and float4e2m1 (one code per element), and the packing of 4- and 2-bit integers in raw_data.
 */
import type { DType } from './dtype.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function float16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/**
 * Encodes a number in an IEEE-style binary format (sign, `expBits`, `mantBits`, with infinities and NaN), rounding
 * the float64 value once to nearest even; overflow gives infinity.
 */
function encodeIeee(value: number, expBits: number, mantBits: number): number {
  const signBit = 1 << (expBits + mantBits);
  const expMask = ((1 << expBits) - 1) << mantBits;
  if (Number.isNaN(value)) return expMask | (1 << (mantBits - 1));
  const sign = value < 0 || Object.is(value, -0) ? signBit : 0;
  const a = Math.abs(value);
  if (a === Infinity) return sign | expMask;
  if (a === 0) return sign;
  const bias = (1 << (expBits - 1)) - 1;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  e = Math.max(e, 1 - bias);
  // q = a / ulp is exact in float64 (division by a power of two); round it to an integer, ties to even.
  const q = a / 2 ** (e - mantBits);
  let r = Math.floor(q);
  const frac = q - r;
  if (frac > 0.5 || (frac === 0.5 && r % 2 === 1)) r++;
  // r counts ulps: below 2^mantBits the value is subnormal; reaching 2^(mantBits+1) carries into the exponent.
  if (r >= 2 ** (mantBits + 1)) {
    r /= 2;
    e++;
  }
  if (r < 2 ** mantBits) return sign | r;
  const biased = e + bias;
  if (biased >= (1 << expBits) - 1) return sign | expMask;
  return sign | (biased << mantBits) | (r - 2 ** mantBits);
}

/** Rounds to nearest even; overflow gives infinity, as IEEE conversion does. */
export function numberToFloat16(value: number): number {
  return encodeIeee(value, 5, 10);
}

export function bfloat16ToNumber(b: number): number {
  u32[0] = b << 16;
  return f32[0];
}

export function numberToBfloat16(value: number): number {
  return encodeIeee(value, 8, 7);
}

/** A small float format described by its layout; encoded through a table of its finite values. */
interface MiniFloat {
  expBits: number;
  mantBits: number;
  bias: number;
  /** How NaN and infinity are encoded. */
  special: 'ieee' | 'fn' | 'fnuz' | 'none';
  unsigned?: boolean;
}

const FORMATS: Record<string, MiniFloat> = {
  float8e4m3fn: { expBits: 4, mantBits: 3, bias: 7, special: 'fn' },
  float8e4m3fnuz: { expBits: 4, mantBits: 3, bias: 8, special: 'fnuz' },
  float8e5m2: { expBits: 5, mantBits: 2, bias: 15, special: 'ieee' },
  float8e5m2fnuz: { expBits: 5, mantBits: 2, bias: 16, special: 'fnuz' },
  float4e2m1: { expBits: 2, mantBits: 1, bias: 1, special: 'none' },
};

interface MiniFloatTables {
  decode: Float64Array;
  /** Positive finite values in increasing order and their codes. */
  values: Float64Array;
  codes: Uint8Array;
  signBit: number;
  nan: number;
  inf: number | undefined;
}

const tableCache = new Map<string, MiniFloatTables>();

function decodeMini(f: MiniFloat, code: number): number {
  const total = 1 + f.expBits + f.mantBits;
  const signBit = 1 << (total - 1);
  const expMax = (1 << f.expBits) - 1;
  const mantMax = (1 << f.mantBits) - 1;
  if (f.special === 'fnuz' && code === signBit) return NaN;
  const sign = code & signBit ? -1 : 1;
  const exp = (code >> f.mantBits) & expMax;
  const mant = code & mantMax;
  if (f.special === 'fn' && exp === expMax && mant === mantMax) return NaN;
  if (f.special === 'ieee' && exp === expMax) return mant ? NaN : sign * Infinity;
  if (exp === 0) return sign * mant * 2 ** (1 - f.bias - f.mantBits);
  return sign * (1 + mant / (1 << f.mantBits)) * 2 ** (exp - f.bias);
}

function tablesFor(type: string): MiniFloatTables {
  let t = tableCache.get(type);
  if (t) return t;
  const f = FORMATS[type];
  if (!f) throw new Error(`no mini-float format for '${type}'`);
  const total = 1 + f.expBits + f.mantBits;
  const n = 1 << total;
  const signBit = n >> 1;
  const decode = new Float64Array(n);
  const pos: [number, number][] = [];
  for (let c = 0; c < n; c++) {
    decode[c] = decodeMini(f, c);
    if (c < signBit && Number.isFinite(decode[c])) pos.push([decode[c], c]);
  }
  pos.sort((a, b) => a[0] - b[0]);
  const nan = f.special === 'fnuz' ? signBit : f.special === 'ieee' ? (((1 << f.expBits) - 1) << f.mantBits) | 1 : n - 1 - signBit;
  t = {
    decode,
    values: Float64Array.from(pos, (p) => p[0]),
    codes: Uint8Array.from(pos, (p) => p[1]),
    signBit,
    nan: f.special === 'none' ? 0 : nan,
    inf: f.special === 'ieee' ? ((1 << f.expBits) - 1) << f.mantBits : undefined,
  };
  tableCache.set(type, t);
  return t;
}

/** Decodes one code of a float8 or float4e2m1 format. */
export function miniFloatToNumber(type: string, code: number): number {
  if (type === 'float8e8m0') return code === 0xff ? NaN : 2 ** (code - 127);
  return tablesFor(type).decode[code];
}

/**
 * Encodes a number into a float8 or float4e2m1 code, rounding to nearest even. With `saturate`, values beyond the
 * largest finite one (and infinities) become it; without, they become infinity where the format has one, else NaN.
 * float4e2m1 has neither, so it always saturates.
 */
export function numberToMiniFloat(type: string, value: number, saturate = true): number {
  if (type === 'float8e8m0') return numberToE8M0(value, saturate);
  const t = tablesFor(type);
  if (Number.isNaN(value)) return type === 'float4e2m1' ? 0 : t.nan;
  const negative = value < 0 || Object.is(value, -0);
  const a = Math.abs(value);
  const sign = negative ? t.signBit : 0;
  const { values, codes } = t;
  const last = values.length - 1;
  const max = values[last];
  const overflow = (): number => {
    if (saturate || type === 'float4e2m1') return sign | codes[last];
    return t.inf !== undefined ? sign | t.inf : t.nan;
  };
  if (a === Infinity) return overflow();
  if (a > max) {
    // The next step beyond max would be one more unit in its binade; half way there still rounds back to max.
    const step = max - values[last - 1];
    if (a >= max + step / 2 && !(a === max + step / 2 && (codes[last] & 1) === 0)) return overflow();
    return sign | codes[last];
  }
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= a) lo = mid;
    else hi = mid;
  }
  let pick = lo;
  if (a !== values[lo]) {
    const dLo = a - values[lo];
    const dHi = values[hi] - a;
    pick = dHi < dLo || (dHi === dLo && (codes[hi] & 1) === 0) ? hi : lo;
  }
  const code = codes[pick];
  // fnuz formats have no negative zero: its code is NaN.
  if (code === 0 && FORMATS[type].special === 'fnuz') return 0;
  return sign | code;
}

/** float8e8m0 holds only powers of two (exponent bits, no sign); rounds up at the half-way point of the exponent. */
function numberToE8M0(value: number, saturate: boolean): number {
  if (Number.isNaN(value) || value <= 0) return value === 0 || value < 0 ? 0 : 0xff;
  if (value === Infinity) return saturate ? 0xfe : 0xff;
  f32[0] = value;
  const bits = u32[0];
  let exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0) return 0;
  if (mant > 0x400000 || (mant === 0x400000 && exp & 1)) exp++;
  if (exp >= 0xff) return saturate ? 0xfe : 0xff;
  return exp;
}

/** Decodes element i of any float-coded type to a number. */
export function decodeFloatCode(type: DType, code: number): number {
  switch (type) {
    case 'float16': return float16ToNumber(code);
    case 'bfloat16': return bfloat16ToNumber(code);
    default: return miniFloatToNumber(type, code);
  }
}

export function encodeFloatCode(type: DType, value: number, saturate = true): number {
  switch (type) {
    case 'float16': return numberToFloat16(value);
    case 'bfloat16': return numberToBfloat16(value);
    default: return numberToMiniFloat(type, value, saturate);
  }
}

/** Unpacks 4- or 2-bit integers (low bits first) from raw bytes, sign-extending for int4/int2. */
export function unpackSubByte(bytes: Uint8Array, count: number, bits: 4 | 2, signed: boolean): number[] {
  const out = new Array<number>(count);
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const signBit = 1 << (bits - 1);
  for (let i = 0; i < count; i++) {
    const byteIndex = Math.floor(i / perByte);
    if (byteIndex >= bytes.length) throw new Error(`packed ${bits}-bit data holds ${bytes.length} bytes, too few for ${count} elements`);
    let v = (bytes[byteIndex] >> ((i % perByte) * bits)) & mask;
    if (signed && v & signBit) v -= 1 << bits;
    out[i] = v;
  }
  return out;
}

/** Packs 4- or 2-bit values, low bits first, into bytes. */
export function packSubByte(values: ArrayLike<number>, bits: 4 | 2): Uint8Array {
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(Math.ceil(values.length / perByte));
  for (let i = 0; i < values.length; i++) {
    out[Math.floor(i / perByte)] |= (values[i] & mask) << ((i % perByte) * bits);
  }
  return out;
}
