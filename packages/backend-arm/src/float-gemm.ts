/**
 * float32 matrix products whose weights stay compressed: float16 (half the bytes of float32), int8 or int4 (a
 * quarter or an eighth, plus a scale and zero point per block or column). The weights are packed once into panels of
 * 8 columns in their own type and decoded to float32 one cache block at a time inside the GEMM, so a float32 copy of
 * a weight never exists in full.
 */
import { armConfig } from './config.js';
import type { Packed, Runtime, Scratch } from './runtime.js';

/** Panel element kinds (assembly/gemm-float.ts). */
const KIND = { float16: 0, int8: 1, int4: 2, uint8: 3, uint4: 4 } as const;
export type WeightType = keyof typeof KIND;

/** A weight matrix B (k × n) before packing; element (r, c) at index r·rowStride + c·colStride. */
export interface WeightMatrix {
  type: WeightType;
  /** float16 bits, or quantized values (one per element, as core stores int4). */
  values: Uint16Array | Int8Array | Uint8Array;
  k: number;
  n: number;
  rowStride: number;
  colStride: number;
  /** Quantized types: rows per block of parameters (k for per-column parameters). */
  blockK?: number;
  /** Quantized types: scale and zero point of (block, column) as float32, blocks × n each. */
  scales?: Float32Array;
  zeros?: Float32Array;
}

export interface CompressedWeight extends Packed {
  kind: number;
  k: number;
  n: number;
  panels: number;
  at: number;
  params: number;
  blockK: number;
}

const BYTES_PER_PANEL_ROW: Record<WeightType, number> = { float16: 16, int8: 8, uint8: 8, int4: 4, uint4: 4 };

/** Packs B into panels of 8 columns of its own type, plus the per-(block, column) parameters. */
export function packWeight(rt: Runtime, w: WeightMatrix, alloc: (bytes: number) => number): CompressedWeight {
  const { k, n } = w;
  const panels = Math.ceil(n / 8);
  const rowBytes = BYTES_PER_PANEL_ROW[w.type];
  const bytes = new Uint8Array(panels * k * rowBytes);
  const blockK = w.blockK ?? k;
  const blocks = Math.ceil(k / blockK);
  const value = (r: number, c: number): number => w.values[r * w.rowStride + c * w.colStride];
  if (w.type === 'float16') {
    const halves = new Uint16Array(bytes.buffer);
    for (let p = 0; p < panels; p++) {
      for (let r = 0; r < k; r++) {
        for (let t = 0; t < 8 && p * 8 + t < n; t++) halves[(p * k + r) * 8 + t] = value(r, p * 8 + t);
      }
    }
  } else if (rowBytes === 8) {
    for (let p = 0; p < panels; p++) {
      for (let r = 0; r < k; r++) {
        for (let t = 0; t < 8 && p * 8 + t < n; t++) bytes[(p * k + r) * 8 + t] = value(r, p * 8 + t) & 0xff;
      }
    }
  } else {
    // int4: byte b of a panel row holds column 2b in its low nibble, column 2b + 1 in its high nibble.
    for (let p = 0; p < panels; p++) {
      for (let r = 0; r < k; r++) {
        for (let t = 0; t < 8 && p * 8 + t < n; t++) bytes[(p * k + r) * 4 + (t >> 1)] |= (value(r, p * 8 + t) & 15) << ((t & 1) * 4);
      }
    }
  }
  const at = alloc(Math.max(bytes.length, 16));
  rt.write(at, bytes);
  let params = 0;
  if (w.type !== 'float16') {
    if (!w.scales || !w.zeros) throw new Error('backend-arm: quantized weights need scales and zero points');
    const table = new Float32Array(panels * blocks * 16);
    for (let p = 0; p < panels; p++) {
      for (let b = 0; b < blocks; b++) {
        for (let t = 0; t < 8 && p * 8 + t < n; t++) {
          table[(p * blocks + b) * 16 + t] = w.scales[b * n + p * 8 + t];
          table[(p * blocks + b) * 16 + 8 + t] = w.zeros[b * n + p * 8 + t];
        }
      }
    }
    params = alloc(table.byteLength);
    rt.write(params, table);
  }
  return { blocks: [], kind: KIND[w.type], k, n, panels, at, params, blockK };
}

/** Y (m × n, float32) = A (m × k, float32 rows) · B. */
export function multiplyFloat(rt: Runtime, a: Float32Array, m: number, w: CompressedWeight, scratch: Scratch): Float32Array {
  const { kc, nc } = armConfig().tiles;
  const paddedRows = Math.ceil(Math.max(m, 1) / 4) * 4;
  const aAt = scratch.alloc(paddedRows * w.k * 4);
  const aView = rt.view(Float32Array, aAt, paddedRows * w.k);
  aView.set(a.subarray(0, m * w.k));
  aView.fill(0, m * w.k);
  const ldc = w.panels * 32;
  const c = scratch.alloc(paddedRows * ldc);
  const ncPanels = nc / 8;
  const block = scratch.alloc(kc * ncPanels * 32);
  rt.exports.gemmF32(aAt, w.k * 4, w.kind, w.at, w.params, w.blockK, w.k, c, ldc, paddedRows, w.panels, kc, ncPanels, block);
  const out = scratch.alloc(Math.max(m * w.n * 4, 4));
  rt.exports.copyRows(c, ldc, m, w.n, out, w.n * 4);
  return rt.read(Float32Array, out, m * w.n);
}

/** float16 bits to float32 through the module. */
export function halvesToFloats(rt: Runtime, bits: Uint16Array, scratch: Scratch): Float32Array {
  const src = scratch.put(bits);
  const dst = scratch.alloc(Math.max(bits.length * 4, 4));
  rt.exports.halfToFloatArray(src, bits.length, dst);
  return rt.read(Float32Array, dst, bits.length);
}

/** float32 to float16 bits (round to nearest even) through the module. */
export function floatsToHalves(rt: Runtime, values: Float32Array, scratch: Scratch): Uint16Array {
  const src = scratch.put(values);
  const dst = scratch.alloc(Math.max(values.length * 2, 4));
  rt.exports.floatToHalfArray(src, values.length, dst);
  return rt.read(Uint16Array, dst, values.length);
}
