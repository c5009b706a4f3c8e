/**
 * Conversion of a tensor to another element type, shared by Cast and CastLike: every pair of ONNX types, strings
 * and complex numbers included.
 *
 * Numeric rules (spec of Cast): float to integer truncates, and out of range wraps like the integer conversion
 * does (undefined by the spec); integer to integer keeps the low bits (two's complement), 4- and 2-bit types
 * included; anything to bool is "not zero" (NaN is true); float8 targets saturate unless told not to; float8e8m0
 * rounds its exponent by `roundMode`. Complex to real keeps the real part; real to complex has a zero imaginary part.
 * Strings print and parse numbers the way the spec's reference (numpy) does: shortest round-trip digits,
 * "nan"/"inf", "True"/"False", and reading accepts "INF", "+INF", "-INF", "NaN" in any case.
 */
import { Tensor, allocData, encodeFloatCode, isBigIntType, isEncodedFloat, type DType } from '@onnx-ts/core';
import { elementReader } from '../../util/elementwise.js';

export type RoundMode = 'up' | 'down' | 'nearest';

export interface CastOptions {
  /** For float8 targets: out-of-range values become the largest finite value instead of inf/NaN. */
  saturate: boolean;
  /** For float8e8m0 targets: how a value between two powers of two is rounded. */
  roundMode: RoundMode;
}

export function parseRoundMode(op: string, mode: string): RoundMode {
  if (mode === 'up' || mode === 'down' || mode === 'nearest') return mode;
  throw new Error(`${op}: round_mode must be 'up', 'down' or 'nearest', got '${mode}'`);
}

type Element = number | bigint;
type Setter = (i: number, v: Element) => void;

const isComplex = (t: DType): t is 'complex64' | 'complex128' => t === 'complex64' || t === 'complex128';

const SUB_BYTE: Partial<Record<DType, { bits: number; signed: boolean }>> = {
  int4: { bits: 4, signed: true }, uint4: { bits: 4, signed: false },
  int2: { bits: 2, signed: true }, uint2: { bits: 2, signed: false },
};

/** Keeps the low `bits` bits of the truncated value, sign-extending for signed types. */
export function wrapToBits(v: Element, bits: number, signed: boolean): number {
  // `| 0` maps NaN and infinities to 0 and keeps the low 32 bits, of which the low `bits` are what we keep.
  const whole = typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : Math.trunc(v) | 0;
  const low = whole & ((1 << bits) - 1);
  const half = 1 << (bits - 1);
  return signed ? (low ^ half) - half : low;
}

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);

/**
 * Encodes a number as float8e8m0 (a power of two 2^(code-127)). `up` rounds any value between two powers of two up,
 * `down` truncates, `nearest` goes up from the midpoint on. Zero, negatives and values out of range saturate to the
 * extreme codes, or give NaN (0xff) without saturation.
 */
function encodeE8M0(v: number, saturate: boolean, mode: RoundMode): number {
  const nan = 0xff;
  const below = saturate ? 0 : nan;
  const above = saturate ? 0xfe : nan;
  if (Number.isNaN(v)) return nan;
  if (v === Infinity) return above;
  if (!(v > 0)) return below;
  f64[0] = v;
  const high = f64Words[1];
  const biased = (high >>> 20) & 0x7ff;
  // Subnormal doubles lie far below 2^-127, the smallest e8m0 value.
  if (biased === 0) return below;
  const mantissaHigh = high & 0xfffff;
  const exact = mantissaHigh === 0 && f64Words[0] === 0;
  let exponent = biased - 1023;
  if ((mode === 'up' && !exact) || (mode === 'nearest' && mantissaHigh >= 0x80000)) exponent++;
  const code = exponent + 127;
  if (code > 0xfe) return above;
  if (code < 0) return below;
  return code;
}

/** Stores numbers and bigints into `data`, an array of `to`'s storage, converting per the rules above. */
function numericSetter(to: DType, data: unknown, options: CastOptions): Setter {
  const sub = SUB_BYTE[to];
  if (sub) {
    const out = data as Int8Array | Uint8Array;
    return (i, v) => { out[i] = wrapToBits(v, sub.bits, sub.signed); };
  }
  if (to === 'bool') {
    const out = data as Uint8Array;
    return (i, v) => { out[i] = v !== 0 && v !== 0n ? 1 : 0; };
  }
  if (isBigIntType(to)) {
    const out = data as BigInt64Array | BigUint64Array;
    return (i, v) => { out[i] = typeof v === 'bigint' ? v : Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n; };
  }
  if (to === 'float8e8m0') {
    const out = data as Uint8Array;
    return (i, v) => { out[i] = encodeE8M0(Number(v), options.saturate, options.roundMode); };
  }
  if (isEncodedFloat(to)) {
    const out = data as Uint8Array | Uint16Array;
    return (i, v) => { out[i] = encodeFloatCode(to, Number(v), options.saturate); };
  }
  const out = data as Float32Array | Float64Array | Int32Array;
  if (to === 'float32' || to === 'float64') return (i, v) => { out[i] = Number(v); };
  // 8/16/32-bit integers: typed-array stores truncate and wrap numbers; bigints are first cut to their low 32 bits.
  return (i, v) => { out[i] = typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : v; };
}

// ---- strings ----

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INTEGER = /^[+-]?\d+$/;
const INFINITY = /^[+-]?inf(inity)?$/i;
const NOT_A_NUMBER = /^[+-]?nan$/i;

function parseNumber(op: string, text: string): number {
  const s = text.trim();
  if (DECIMAL.test(s)) return Number(s);
  if (INFINITY.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (NOT_A_NUMBER.test(s)) return NaN;
  throw new Error(`${op}: cannot read the string '${text}' as a number`);
}

/** The parse used for a target type: exact integers for int64/uint64, "true"/"false" also for bool. */
function stringParser(op: string, to: DType): (s: string) => Element {
  if (isBigIntType(to)) return (s) => (INTEGER.test(s.trim()) ? BigInt(s.trim()) : parseNumber(op, s));
  if (to === 'bool') {
    return (s) => {
      const word = s.trim().toLowerCase();
      return word === 'true' ? 1 : word === 'false' ? 0 : parseNumber(op, s);
    };
  }
  return (s) => parseNumber(op, s);
}

/** Python-style complex literal: "(1+2j)", "1-2.5e3j", "2j", "3". */
function parseComplex(op: string, text: string): [number, number] {
  const s = text.trim().replace(/^\((.*)\)$/, '$1').replace(/\s+/g, '');
  if (!/[jJ]$/.test(s)) return [parseNumber(op, s), 0];
  const body = s.slice(0, -1);
  let split = -1;
  for (let k = body.length - 1; k > 0; k--) {
    if ((body[k] === '+' || body[k] === '-') && !/[eE]/.test(body[k - 1])) {
      split = k;
      break;
    }
  }
  const imaginary = (t: string): number => (t === '' || t === '+' ? 1 : t === '-' ? -1 : parseNumber(op, t));
  if (split < 0) return [0, imaginary(body)];
  return [parseNumber(op, body.slice(0, split)), imaginary(body.slice(split))];
}

/** Whether the decimal `candidate` reads back as `value` in `type` (the value's own type). */
function readsBackAs(type: DType, value: number, candidate: number): boolean {
  if (type === 'float64' || type === 'complex128') return candidate === value;
  if (type === 'float32' || type === 'complex64') return Math.fround(candidate) === value;
  return encodeFloatCode(type, candidate) === encodeFloatCode(type, value);
}

/**
 * numpy's str() of `v`, a value of `type`: the shortest digits that read back to the same value in that type,
 * positional for 1e-4 <= |v| < 1e16 (numpy prints float16 positionally only below 1e3) with ".0" when whole unless
 * `bareWhole` (Python's complex repr), scientific with an exponent of at least two digits otherwise.
 */
function formatFloat(v: number, type: DType, bareWhole = false): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity || v === -Infinity) return v > 0 ? 'inf' : '-inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  if (v === 0) return bareWhole ? `${sign}0` : `${sign}0.0`;
  let precision = 1;
  while (precision < 17 && !readsBackAs(type, v, Number(v.toPrecision(precision)))) precision++;
  const [mantissa, exponentText] = Math.abs(v).toExponential(precision - 1).split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  const exponent = Number(exponentText);
  const magnitude = Math.abs(v);
  if (magnitude >= 1e-4 && magnitude < (type === 'float16' ? 1e3 : 1e16)) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const fraction = digits.slice(exponent + 1);
    return `${sign}${whole}${fraction ? `.${fraction}` : bareWhole ? '' : '.0'}`;
  }
  const scaled = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${scaled}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** Python's repr of a complex number: "2j", "(1+2j)", "(1-0.5j)". */
function formatComplex(type: DType, re: number, im: number): string {
  const negativeIm = im < 0 || Object.is(im, -0);
  const imaginary = `${formatFloat(Math.abs(im), type, true)}j`;
  if (re === 0 && !Object.is(re, -0)) return negativeIm ? `-${imaginary}` : imaginary;
  return `(${formatFloat(re, type, true)}${negativeIm ? '-' : '+'}${imaginary})`;
}

function toStrings(x: Tensor): string[] {
  const out = new Array<string>(x.size);
  if (x.type === 'string') return [...(x.data as string[])];
  if (isComplex(x.type)) {
    const d = x.data as Float32Array | Float64Array;
    for (let i = 0; i < x.size; i++) out[i] = formatComplex(x.type, d[2 * i], d[2 * i + 1]);
    return out;
  }
  const get = elementReader(x);
  if (x.type === 'bool') {
    for (let i = 0; i < x.size; i++) out[i] = get(i) ? 'True' : 'False';
  } else if (x.type === 'float32' || x.type === 'float64' || isEncodedFloat(x.type)) {
    for (let i = 0; i < x.size; i++) out[i] = formatFloat(get(i) as number, x.type);
  } else {
    for (let i = 0; i < x.size; i++) out[i] = String(get(i));
  }
  return out;
}

/** Reads element i of any non-string source as the number/bigint a real-valued target converts from. */
function sourceReader(op: string, x: Tensor, to: DType): (i: number) => Element {
  if (x.type === 'string') {
    const parse = stringParser(op, to);
    const strings = x.data as string[];
    return (i) => parse(strings[i]);
  }
  if (isComplex(x.type)) {
    const d = x.data as Float32Array | Float64Array;
    // A complex number is true when either part is non-zero; otherwise only the real part carries over.
    if (to === 'bool') return (i) => (d[2 * i] !== 0 || d[2 * i + 1] !== 0 ? 1 : 0);
    return (i) => d[2 * i];
  }
  return elementReader(x);
}

/** Converts `x` to element type `to`. */
export function castTensor(op: string, x: Tensor, to: DType, options: CastOptions): Tensor {
  const n = x.size;
  if (to === 'string') return new Tensor('string', toStrings(x), x.dims);
  const out = allocData(to, n);
  if (isComplex(to)) {
    const pairs = out as Float32Array | Float64Array;
    if (isComplex(x.type)) {
      pairs.set(x.data as Float32Array | Float64Array);
    } else if (x.type === 'string') {
      const strings = x.data as string[];
      for (let i = 0; i < n; i++) [pairs[2 * i], pairs[2 * i + 1]] = parseComplex(op, strings[i]);
    } else {
      const get = elementReader(x);
      for (let i = 0; i < n; i++) pairs[2 * i] = Number(get(i));
    }
    return new Tensor(to, out as never, x.dims);
  }
  const get = sourceReader(op, x, to);
  const set = numericSetter(to, out, options);
  for (let i = 0; i < n; i++) set(i, get(i));
  return new Tensor(to, out as never, x.dims);
}
