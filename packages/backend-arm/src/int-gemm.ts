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
  /** Relaxed build: sum of each row's shifted values, and ca - za per row. */
  rowSum: number;
  rowShift: number;
}

/** Panels of the right operand, ready for the GEMM. */
export interface RightOperand extends Packed {
  cols: number;
  panels: number;
  k: number;
  kPad: number;
  at: number;
  /** Relaxed build: plane of bit 7 ('split' mode, absent when every value fits 7 bits), column sums, cb - zb per column. */
  high: number;
  colSum: number;
  colShift: number;
}

export type Alloc = (bytes: number) => number;

/**
 * How the relaxed-SIMD build feeds the right operand to i32x4.relaxed_dot_i8x16_i7x16_add_s, whose result is
 * exact for any second operand only when its bytes are 7-bit: 'split' does two passes (bits 0-6, then bit 7);
 * 'signed' and 'unsigned' give whole bytes to engines whose dot product reads them as signed (ARM's SDOT) or
 * unsigned bytes without saturating — which the runtime's self-test establishes before using them.
 */
export type DotMode = 'split' | 'signed' | 'unsigned';
const DOT_MODES: Record<DotMode, number> = { split: 0, signed: 1, unsigned: 2 };

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
    return { blocks: [], rows: src.rows, paddedRows, k, kPad, at, rowSum: 0, rowShift: 0 };
  }
  const at = alloc(paddedRows * kPad);
  rt.view(Uint8Array, at, paddedRows * kPad).fill(0);
  const rowSum = alloc(paddedRows * 4);
  rt.view(Int32Array, rowSum, paddedRows).fill(0);
  e.rowsI8(src.at, src.rows, k, src.rowStride, signed, at, kPad, kPad, rowSum);
  // a - za = a' + (ca - za) with a' = a - ca, ca = 128 for unsigned bytes.
  const ca = src.signed ? 0 : 128;
  const shifts = new Int32Array(paddedRows);
  for (let r = 0; r < src.rows; r++) shifts[r] = ca - zeroPoints[r];
  return { blocks: [], rows: src.rows, paddedRows, k, kPad, at, rowSum, rowShift: int32Block(rt, alloc, shifts) };
}

/** Packs the columns of `src` minus their zero points (one per column) into panels of 8. */
export function packRight(rt: Runtime, src: ByteMatrix, zeroPoints: Int32Array, alloc: Alloc, scratch: Scratch): RightOperand {
  const k = src.rows;
  const kPad = roundUp(Math.max(k, 1), depthPadding(rt));
  const panels = Math.ceil(src.cols / 8);
  const e = rt.exports;
  const signed = src.signed ? 1 : 0;
  if (!rt.relaxed) {
    const at = alloc(panels * (kPad / 2) * 32);
    e.packI16(src.at, k, src.cols, src.rowStride, src.colStride, signed, int32Block(rt, (b) => scratch.alloc(b), zeroPoints), at, kPad);
    return { blocks: [], cols: src.cols, panels, k, kPad, at, high: 0, colSum: 0, colShift: 0 };
  }
  const planeBytes = panels * (kPad / 4) * 32;
  const colSum = alloc(panels * 8 * 4);
  rt.view(Int32Array, colSum, panels * 8).fill(0);
  const pack = (mode: DotMode, high: number): { cb: number; flagged: boolean; at: number } => {
    // b' = b - cb: 0..255 (cb = -128 for signed bytes, 0 for unsigned) unless the engine's dot product reads b'
    // as a signed byte (cb = 0 for signed, 128 for unsigned).
    const cb = mode === 'signed' ? (src.signed ? 0 : 128) : src.signed ? -128 : 0;
    const cbs = int32Block(rt, (b) => scratch.alloc(b), new Int32Array(src.cols).fill(cb));
    const at = alloc(planeBytes);
    const flagged = e.packI8(src.at, k, src.cols, src.rowStride, src.colStride, signed, cbs, DOT_MODES[mode], at, high, kPad, colSum) !== 0;
    return { cb, flagged, at };
  };
  let packed: { cb: number; flagged: boolean; at: number };
  let high = 0;
  if (rt.dotMode === 'signed') {
    packed = pack('signed', 0);
    // A -128 in B needs the two-pass form (see packI8).
    if (packed.flagged) packed = pack('split', (high = alloc(planeBytes)));
  } else {
    if (rt.dotMode === 'split') high = alloc(planeBytes);
    packed = pack(rt.dotMode, high);
  }
  const usesHigh = high !== 0 && packed.flagged;
  const shifts = new Int32Array(panels * 8);
  for (let c = 0; c < src.cols; c++) shifts[c] = packed.cb - zeroPoints[c];
  return { blocks: [], cols: src.cols, panels, k, kPad, at: packed.at, high: usesHigh ? high : 0, colSum, colShift: int32Block(rt, alloc, shifts) };
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
    e.gemmI16(left.at, left.kPad * 2, right.at, left.kPad, at, ldc, left.paddedRows, right.panels, kc, ncPanels);
  } else {
    e.gemmI8(left.at, left.kPad, right.at, left.kPad, at, ldc, left.paddedRows, right.panels, kc, ncPanels, 0, 0);
    if (right.high) e.gemmI8(left.at, left.kPad, right.high, left.kPad, at, ldc, left.paddedRows, right.panels, kc, ncPanels, 7, 1);
    e.addCorrections(at, ldc, left.rows, right.cols, left.rowSum, left.rowShift, right.colSum, right.colShift, left.k);
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
