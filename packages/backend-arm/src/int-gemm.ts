/**
 * The integer matrix product shared by every quantized kernel: exact Σ (a - za)·(b - zb) in int32 for 8-bit
 * operands, run by the i16 dot-product GEMM or, in the relaxed-SIMD build, by the i8·i7 dot-product GEMM plus
 * zero-point corrections. Operands are packed once (weights, cached by the runtime) or per call (activations).
 */
import { armConfig } from './config.js';
import type { Packed, Runtime, Scratch } from './runtime.js';

/** A matrix of bytes in the module's memory: element (r, c) at `at + r·rowStride + c·colStride`. */
export interface ByteMatrix {
  at: number;
  signed: boolean;
  rows: number;
  cols: number;
  rowStride: number;
  colStride: number;
}

/** Rows of the left operand, ready for the GEMM. */
export interface LeftOperand extends Packed {
  rows: number;
  paddedRows: number;
  k: number;
  kPad: number;
  at: number;
  /** Relaxed build: sum of each row's shifted values, ca - za per row, and whether any shifted value is -128. */
  rowSum: number;
  rowShift: number;
  hasMin: boolean;
}

/** One packing of the right operand: its plane(s) and, for the relaxed build, column sums and cb - zb per column. */
export interface RightPlanes {
  at: number;
  /** Plane of bit 7 (two-pass form; 0 when absent or when every value fits 7 bits). */
  high: number;
  colSum: number;
  colShift: number;
}

/** Panels of the right operand, ready for the GEMM. */
export interface RightOperand extends Packed {
  cols: number;
  panels: number;
  k: number;
  kPad: number;
  main: RightPlanes;
  /** 'signed' mode: whether `main` holds a -128, and then the two-pass form for a left operand that holds one too. */
  hasMin: boolean;
  split?: RightPlanes;
}

export type Alloc = (bytes: number) => number;

/**
 * How the relaxed-SIMD build feeds the right operand to i32x4.relaxed_dot_i8x16_i7x16_add_s, whose result the spec
 * fixes only when the second operand's bytes are 7-bit:
 * - 'split': two passes, bits 0-6 then bit 7 (exact everywhere);
 * - 'signed': one pass of whole signed bytes, for engines whose dot product reads them as signed (ARM: SDOT, or
 *   signed multiplies summed in pairs of 16 bits). A pair sum overflows 16 bits only for (-128)·(-128) twice, so a
 *   product whose two operands both hold -128 takes the two-pass form instead (V8's baseline and optimizing tiers
 *   differ there on arm64).
 * The runtime's self-test establishes the mode before it is used.
 */
export type DotMode = 'split' | 'signed';
const PACK_MODES: Record<DotMode, number> = { split: 0, signed: 1 };

const roundUp = (v: number, m: number): number => Math.ceil(v / m) * m;

function depthPadding(rt: Runtime): number {
  return rt.relaxed ? 4 : 2;
}

function int32Block(rt: Runtime, alloc: Alloc, values: ArrayLike<number>, length = values.length): number {
  const at = alloc(length * 4);
  const view = rt.view(Int32Array, at, length);
  view.fill(0);
  for (let i = 0; i < values.length; i++) view[i] = values[i];
  return at;
}

/** Packs rows of `src` (contiguous columns) minus their zero points (one per row). */
export function packLeft(rt: Runtime, src: ByteMatrix, zeroPoints: Int32Array, alloc: Alloc, scratch: Scratch): LeftOperand {
  if (src.colStride !== 1) throw new Error('backend-arm: the left operand must have contiguous rows');
  const k = src.cols;
  const kPad = roundUp(Math.max(k, 1), depthPadding(rt));
  const paddedRows = roundUp(Math.max(src.rows, 1), 4);
  const e = rt.exports;
  const signed = src.signed ? 1 : 0;
  if (!rt.relaxed) {
    const at = alloc(paddedRows * kPad * 2);
    rt.view(Int16Array, at, paddedRows * kPad).fill(0);
    e.rowsI16(src.at, src.rows, k, src.rowStride, signed, int32Block(rt, (b) => scratch.alloc(b), zeroPoints), at, kPad * 2, kPad);
    return { blocks: [], rows: src.rows, paddedRows, k, kPad, at, rowSum: 0, rowShift: 0, hasMin: false };
  }
  const at = alloc(paddedRows * kPad);
  rt.view(Uint8Array, at, paddedRows * kPad).fill(0);
  const rowSum = alloc(paddedRows * 4);
  rt.view(Int32Array, rowSum, paddedRows).fill(0);
  const hasMin = e.rowsI8(src.at, src.rows, k, src.rowStride, signed, at, kPad, kPad, rowSum) !== 0;
  // a - za = a' + (ca - za) with a' = a - ca, ca = 128 for unsigned bytes.
  const ca = src.signed ? 0 : 128;
  const shifts = new Int32Array(paddedRows);
  for (let r = 0; r < src.rows; r++) shifts[r] = ca - zeroPoints[r];
  return { blocks: [], rows: src.rows, paddedRows, k, kPad, at, rowSum, rowShift: int32Block(rt, alloc, shifts), hasMin };
}

/**
 * Packs the columns of `src` minus their zero points (one per column) into panels of 8. `leftHasMin` tells
 * whether the left operand it will meet holds a -128 (undefined: not known yet, as for a cached weight).
 */
export function packRight(rt: Runtime, src: ByteMatrix, zeroPoints: Int32Array, alloc: Alloc, scratch: Scratch, leftHasMin?: boolean): RightOperand {
  const k = src.rows;
  const kPad = roundUp(Math.max(k, 1), depthPadding(rt));
  const panels = Math.ceil(src.cols / 8);
  const e = rt.exports;
  const signed = src.signed ? 1 : 0;
  const shape = { blocks: [], cols: src.cols, panels, k, kPad };
  if (!rt.relaxed) {
    const at = alloc(panels * (kPad / 2) * 32);
    e.packI16(src.at, k, src.cols, src.rowStride, src.colStride, signed, int32Block(rt, (b) => scratch.alloc(b), zeroPoints), at, kPad);
    return { ...shape, main: { at, high: 0, colSum: 0, colShift: 0 }, hasMin: false };
  }
  const planeBytes = panels * (kPad / 4) * 32;
  const pack = (mode: DotMode): { planes: RightPlanes; flagged: boolean } => {
    // b' = b - cb: a signed byte (cb = 0 for signed, 128 for unsigned bytes), or 0..255 split in two planes
    // (cb = -128 for signed, 0 for unsigned bytes).
    const cb = mode === 'signed' ? (src.signed ? 0 : 128) : src.signed ? -128 : 0;
    const at = alloc(planeBytes);
    const high = mode === 'split' ? alloc(planeBytes) : 0;
    const colSum = alloc(panels * 8 * 4);
    rt.view(Int32Array, colSum, panels * 8).fill(0);
    const cbs = int32Block(rt, (b) => scratch.alloc(b), new Int32Array(src.cols).fill(cb));
    const flagged = e.packI8(src.at, k, src.cols, src.rowStride, src.colStride, signed, cbs, PACK_MODES[mode], at, high, kPad, colSum) !== 0;
    const shifts = new Int32Array(panels * 8);
    for (let c = 0; c < src.cols; c++) shifts[c] = cb - zeroPoints[c];
    const planes = { at, high: mode === 'split' && flagged ? high : 0, colSum, colShift: int32Block(rt, alloc, shifts) };
    return { planes, flagged };
  };
  if (rt.dotMode === 'split') return { ...shape, main: pack('split').planes, hasMin: false };
  const { planes, flagged } = pack('signed');
  const split = flagged && leftHasMin !== false ? pack('split').planes : undefined;
  return { ...shape, main: planes, hasMin: flagged, split };
}

/** int32 accumulators in scratch: rows of `ldc` bytes, `left.rows` × `right.cols` of them meaningful. */
export interface Accumulators {
  at: number;
  ldc: number;
  rows: number;
  cols: number;
}

/** C = Σ (a - za)(b - zb), exact modulo 2^32. */
export function multiply(rt: Runtime, left: LeftOperand, right: RightOperand, scratch: Scratch): Accumulators {
  if (left.k !== right.k || left.kPad !== right.kPad) {
    throw new Error(`backend-arm: operand depths differ (${left.k} and ${right.k})`);
  }
  const { kc, nc } = armConfig().tiles;
  const ldc = right.panels * 32;
  const at = scratch.alloc(left.paddedRows * ldc);
  const e = rt.exports;
  const ncPanels = nc / 8;
  if (!rt.relaxed) {
    rt.gemm({ a: left.at, lda: left.kPad * 2, b: right.main.at, kPad: left.kPad, c: at, ldc, m: left.paddedRows, nPanels: right.panels, kc, ncPanels });
  } else {
    const planes = left.hasMin && right.hasMin ? right.split : right.main;
    if (!planes) throw new Error('backend-arm: a right operand holding -128 was packed without its two-pass form');
    const product = { a: left.at, lda: left.kPad, kPad: left.kPad, c: at, ldc, m: left.paddedRows, nPanels: right.panels, kc, ncPanels };
    rt.gemm({ ...product, b: planes.at });
    if (planes.high) rt.gemm({ ...product, b: planes.high, shift: 7, accumulate: true });
    e.addCorrections(at, ldc, left.rows, right.cols, left.rowSum, left.rowShift, planes.colSum, planes.colShift, left.k);
  }
  return { at, ldc, rows: left.rows, cols: right.cols };
}

/** Zero points as int32, one per row or column, from a scalar or per-element tensor's values. */
export function expandZeroPoints(values: ArrayLike<number> | undefined, count: number): Int32Array {
  const out = new Int32Array(count);
  if (!values || values.length === 0) return out;
  if (values.length === 1) return out.fill(values[0]);
  for (let i = 0; i < count; i++) out[i] = values[i];
  return out;
}
