/**
 * The WebAssembly side of the backend: the module (SIMD or relaxed-SIMD build), its memory (shared with worker
 * threads where the environment allows), the thread pool that runs its jobs, a block allocator over that memory,
 * per-call scratch, and the cache of packed weights.
 */
import { isModelConstant, type Tensor } from '@onnx-ts/core';
import { createPool, type Pool } from '@onnx-ts/backend-cpu';
import { armConfig } from './config.js';
import { RELAXED_SIMD_SHARED_WASM, RELAXED_SIMD_WASM, SIMD_SHARED_WASM, SIMD_WASM } from './generated/kernels-wasm.js';
import { multiply, packLeft, packRight, type DotMode } from './int-gemm.js';

/** Exports that run as parallel jobs (assembly/jobs.ts): the job block's address and the thread's index. */
const JOB_EXPORTS = ['gemmJob'] as const;
type JobExport = (typeof JOB_EXPORTS)[number];

/** The exports of assembly/index.ts; every pointer is a byte offset into the module's memory. */
export interface KernelExports {
  heapBase(): number;
  gemmJob(job: number, tid: number): void;
  hasRelaxedDot(): number;
  gemmI16(a: number, lda: number, b: number, kPad: number, c: number, ldc: number, m: number, nPanels: number, kc: number, ncPanels: number): void;
  gemmI8(a: number, lda: number, b: number, kPad: number, c: number, ldc: number, m: number, nPanels: number, kc: number, ncPanels: number, shift: number, accumulate: number): void;
  addCorrections(c: number, ldc: number, m: number, n: number, rowSum: number, da: number, colSum: number, db: number, k: number): void;
  rowsI16(src: number, rows: number, k: number, srcStride: number, signed: number, zp: number, dst: number, dstStride: number, kPad: number): void;
  packI16(src: number, k: number, n: number, rowStride: number, colStride: number, signed: number, zp: number, dst: number, kPad: number): void;
  rowsI8(src: number, rows: number, k: number, srcStride: number, signed: number, dst: number, dstStride: number, kPad: number, rowSum: number): number;
  packI8(src: number, k: number, n: number, rowStride: number, colStride: number, signed: number, cb: number, mode: number, lo: number, hi: number, kPad: number, colSum: number): number;
  im2col(x: number, h: number, w: number, offsets: number, kTotal: number, sh: number, sw: number, pt: number, pl: number, ow: number, p0: number, count: number, pad: number, dst: number, dstStride: number): void;
  requantize(c: number, ldc: number, m: number, n: number, bias: number, biasMode: number, mult: number, multMode: number, zp: number, lo: number, hi: number, out: number, outStride: number): void;
  scaleToFloat(c: number, ldc: number, m: number, n: number, scale: number, scaleMode: number, factor: number, factorMode: number, bias: number, biasMode: number, out: number, outStride: number): void;
  scaleToBytes(c: number, ldc: number, m: number, n: number, scale: number, scaleMode: number, bias: number, biasMode: number, qs: number, qz: number, lo: number, hi: number, out: number, outStride: number): void;
  copyRows(c: number, ldc: number, m: number, n: number, out: number, outStride: number): void;
  quantize(x: number, outer: number, d: number, inner: number, scale: number, zp: number, lo: number, hi: number, y: number): void;
  dequantize(x: number, width: number, signed: number, outer: number, d: number, inner: number, scale: number, zp: number, y: number): void;
  rangeWithZero(x: number, n: number, out: number): void;
  maxBytes(x: number, n: number, floor: number, signed: number, y: number): void;
  mapBytes(x: number, n: number, table: number, y: number): void;
  addToBytes(a: number, signedA: number, sa: number, za: number, b: number, signedB: number, sb: number, zb: number, n: number, qs: number, qz: number, lo: number, hi: number, y: number): void;
  addToFloat(a: number, kindA: number, sa: number, za: number, b: number, kindB: number, sb: number, zb: number, n: number, rectify: number, y: number, q: number, qs: number, qz: number, lo: number, hi: number): void;
  maxPoolBytes(x: number, planes: number, h: number, w: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, oh: number, ow: number, signed: number, y: number): void;
  gemmF32(a: number, lda: number, kind: number, src: number, params: number, blockK: number, k: number, c: number, ldc: number, m: number, nPanels: number, kc: number, ncPanels: number, scratch: number): void;
  halfToFloatArray(src: number, n: number, dst: number): void;
  floatToHalfArray(src: number, n: number, dst: number): void;
}

/** How a parameter of an epilogue is indexed (matches assembly/quant.ts). */
export const PER_TENSOR = 0;
export const PER_ROW = 1;
export const PER_COLUMN = 2;

/** Fields of assembly/jobs.ts's GemmJob, in order. */
const GEMM_JOB_FIELDS = 18;
/** Multiply-adds below which a GEMM runs on the calling thread only (waking workers costs more). */
const PARALLEL_MIN_WORK = 1 << 18;

/** Arguments of the integer GEMM kernels (assembly/gemm-int.ts); shift and accumulate only for gemmI8. */
export interface GemmArgs {
  a: number;
  lda: number;
  b: number;
  kPad: number;
  c: number;
  ldc: number;
  m: number;
  nPanels: number;
  kc: number;
  ncPanels: number;
  shift?: number;
  accumulate?: boolean;
}

const ALIGN = 64;
const PAGE = 65536;
/** 4 GiB of 32-bit WebAssembly memory. */
const MAX_PAGES = 65536;

type View = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array | Uint16Array;
type ViewOf<T extends View> = { new(buffer: ArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number };

/** First-fit allocation over [start, memory end): free ranges kept sorted by address, merged on release. */
class BlockAllocator {
  private readonly freeRanges: { start: number; size: number }[] = [];
  private readonly live = new Map<number, number>();

  /** First address the allocator hands out (after the module's static data). */
  private readonly first: number;

  constructor(private readonly memory: WebAssembly.Memory, start: number) {
    this.first = Math.ceil(start / ALIGN) * ALIGN;
    const end = memory.buffer.byteLength;
    if (end > this.first) this.freeRanges.push({ start: this.first, size: end - this.first });
  }

  allocate(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`backend-arm: invalid allocation of ${bytes} bytes`);
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let index = this.freeRanges.findIndex((r) => r.size >= size);
    if (index < 0) index = this.extend(size);
    const range = this.freeRanges[index];
    const at = range.start;
    range.start += size;
    range.size -= size;
    if (range.size === 0) this.freeRanges.splice(index, 1);
    this.live.set(at, size);
    return at;
  }

  release(at: number): void {
    const size = this.live.get(at);
    if (size === undefined) throw new Error(`backend-arm: release of ${at}, which is not a live block`);
    this.live.delete(at);
    let i = this.freeRanges.findIndex((r) => r.start > at);
    if (i < 0) i = this.freeRanges.length;
    this.freeRanges.splice(i, 0, { start: at, size });
    const after = this.freeRanges[i + 1];
    if (after && at + size === after.start) {
      this.freeRanges[i].size += after.size;
      this.freeRanges.splice(i + 1, 1);
    }
    const before = this.freeRanges[i - 1];
    if (before && before.start + before.size === at) {
      before.size += this.freeRanges[i].size;
      this.freeRanges.splice(i, 1);
    }
  }

  /** Bytes in live blocks. */
  liveBytes(): number {
    let total = 0;
    for (const size of this.live.values()) total += size;
    return total;
  }

  /** Grows the memory so that a free range at its end holds `size` bytes; returns that range's index. */
  private extend(size: number): number {
    const end = this.memory.buffer.byteLength;
    const last = this.freeRanges[this.freeRanges.length - 1];
    const tail = last && last.start + last.size === end ? last : undefined;
    const start = tail ? tail.start : Math.max(end, this.first);
    const missing = start + size - end;
    const current = end / PAGE;
    // Grow by at least a quarter of the current size: fewer grows, each of which detaches every view.
    const pages = Math.max(Math.ceil(missing / PAGE), Math.ceil(current / 4));
    if (current + pages > MAX_PAGES) {
      throw new Error(`backend-arm: WebAssembly memory limit reached (4 GiB): ${size} more bytes needed, ${this.liveBytes()} in use`);
    }
    this.memory.grow(pages);
    const newEnd = this.memory.buffer.byteLength;
    if (tail) tail.size = newEnd - tail.start;
    else this.freeRanges.push({ start, size: newEnd - start });
    return this.freeRanges.length - 1;
  }
}

/** Buffers of one kernel call, released together. */
export class Scratch {
  private readonly blocks: number[] = [];
  constructor(private readonly rt: Runtime) {}

  alloc(bytes: number): number {
    const at = this.rt.allocator.allocate(bytes);
    this.blocks.push(at);
    return at;
  }

  /** Copies a typed array into a new scratch block; returns its address. */
  put(data: ArrayBufferView): number {
    const at = this.alloc(data.byteLength);
    this.rt.write(at, data);
    return at;
  }

  releaseAll(): void {
    for (const at of this.blocks) this.rt.allocator.release(at);
    this.blocks.length = 0;
  }
}

/** A packed operand kept between runs: its blocks are released when the tensor it was made from is collected. */
export interface Packed {
  blocks: number[];
}

interface CacheEntry {
  fingerprint: string;
  packed: Packed;
}

/**
 * A fingerprint of a tensor's bytes, checked on every cache hit: packed weights are reused only while the data
 * they were made from is unchanged (a feed tensor whose data is overwritten in place is packed again).
 */
export function fingerprint(data: ArrayBufferView): string {
  const words = data.byteLength >>> 2;
  const aligned = (data.byteOffset & 3) === 0;
  const view = aligned
    ? new Int32Array(data.buffer, data.byteOffset, words)
    : new Int32Array(new Uint8Array(data.buffer, data.byteOffset, words * 4).slice().buffer);
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x2545f491 | 0;
  for (let i = 0; i < words; i++) {
    const w = view[i];
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul(h2 + w, 0x5bd1e995) ^ (h2 >>> 15);
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  for (let i = words * 4; i < bytes.length; i++) h1 = Math.imul(h1 ^ bytes[i], 0x01000193);
  return `${data.byteLength}:${h1 >>> 0}:${h2 >>> 0}`;
}

/** Whether this environment can share a WebAssembly memory between threads (Node, cross-origin isolated pages). */
function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const g = globalThis as { crossOriginIsolated?: boolean; process?: { versions?: { node?: string } } };
  return Boolean(g.process?.versions?.node) || g.crossOriginIsolated === true;
}

export class Runtime {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  readonly allocator: BlockAllocator;
  /** Worker threads running this module's jobs; one thread until `pool.setThreads`. */
  readonly pool: Pool<JobExport>;
  /** 'relaxed-simd' when the SDOT-style dot products run, else 'simd'. */
  readonly build: 'simd' | 'relaxed-simd';
  /** How the relaxed build's dot product is fed (see DotMode); set from the self-test. */
  dotMode: DotMode = 'split';
  private readonly cache = new WeakMap<object, Map<string, CacheEntry>>();
  private readonly seen = new WeakSet<object>();
  private readonly collector = new FinalizationRegistry<number[]>((blocks) => {
    for (const at of blocks) this.allocator.release(at);
  });

  constructor(build: 'simd' | 'relaxed-simd') {
    const shared = canShareMemory();
    const relaxed = build === 'relaxed-simd';
    const binary = shared ? (relaxed ? RELAXED_SIMD_SHARED_WASM : SIMD_SHARED_WASM) : relaxed ? RELAXED_SIMD_WASM : SIMD_WASM;
    const module = new WebAssembly.Module(decodeBase64(binary));
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared } as WebAssembly.MemoryDescriptor);
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.allocator = new BlockAllocator(this.memory, this.exports.heapBase());
    // The pool's control words: a block of its own, never released.
    const control = this.allocator.allocate(32);
    this.pool = createPool({ owner: 'backend-arm', module, memory: this.memory, shared, exports: this.exports, jobExports: JOB_EXPORTS, control });
    this.build = build;
  }

  /**
   * C = A · B by gemmI16 (SIMD build) or gemmI8 (relaxed build), split into tiles of rows × panels over the pool's
   * threads when the product is large enough.
   */
  gemm(args: GemmArgs): void {
    const { a, lda, b, kPad, c, ldc, m, nPanels, kc, ncPanels, shift = 0, accumulate = false } = args;
    const parts = m * nPanels * 8 * kPad >= PARALLEL_MIN_WORK ? this.pool.activeThreads() : 1;
    if (parts === 1) {
      if (this.relaxed) this.exports.gemmI8(a, lda, b, kPad, c, ldc, m, nPanels, kc, ncPanels, shift, accumulate ? 1 : 0);
      else this.exports.gemmI16(a, lda, b, kPad, c, ldc, m, nPanels, kc, ncPanels);
      return;
    }
    // About four tiles per thread, split along the panels first (each tile then reads its own part of B).
    const rowGroups = m / 4;
    const wanted = parts * 4;
    const panelsPerTile = Math.ceil(nPanels / Math.min(nPanels, wanted));
    const tilesN = Math.ceil(nPanels / panelsPerTile);
    const rowsPerTile = Math.ceil(rowGroups / Math.min(rowGroups, Math.ceil(wanted / tilesN))) * 4;
    const tilesM = Math.ceil(m / rowsPerTile);
    this.withScratch((scratch) => {
      const job = scratch.alloc(GEMM_JOB_FIELDS * 4);
      this.view(Int32Array, job, GEMM_JOB_FIELDS).set([
        0, tilesM * tilesN, tilesM, rowsPerTile, panelsPerTile, this.relaxed ? 1 : 0,
        a, lda, b, kPad, c, ldc, m, nPanels, kc, ncPanels, shift, accumulate ? 1 : 0,
      ]);
      this.pool.runJob('gemmJob', job, parts);
    });
  }

  get relaxed(): boolean {
    return this.build === 'relaxed-simd';
  }

  view<T extends View>(type: ViewOf<T>, at: number, length: number): T {
    return new type(this.memory.buffer, at, length);
  }

  write(at: number, data: ArrayBufferView): void {
    new Uint8Array(this.memory.buffer, at, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  /** Copies `length` elements at `at` out of the module's memory. */
  read<T extends View>(type: ViewOf<T>, at: number, length: number): T {
    // A new array filled by set: much faster than slice on a view of a shared memory.
    const out = new (type as unknown as new (length: number) => T)(length);
    out.set(new type(this.memory.buffer, at, length) as never);
    return out;
  }

  /** Runs `fn` with a scratch whose blocks are released afterwards, whatever happens. */
  withScratch<T>(fn: (scratch: Scratch) => T): T {
    const scratch = new Scratch(this);
    try {
      return fn(scratch);
    } finally {
      scratch.releaseAll();
    }
  }

  /**
   * A packed form of `source` (keyed by `key`), built by `build` into long-lived blocks and reused while
   * `source.data` keeps its fingerprint. Only a tensor seen in an earlier call is kept (weights are the same tensor
   * every run; activations are new ones), and in low-memory mode nothing is: the blocks then come from the call's
   * scratch.
   */
  packed<P extends Packed>(source: Tensor, key: string, scratch: Scratch, build: (alloc: (bytes: number) => number) => P): P {
    if (armConfig().lowMemory || !this.seen.has(source)) {
      this.seen.add(source);
      return build((bytes) => scratch.alloc(bytes));
    }
    // A model's constants never change: no need to check their bytes on each call.
    const print = isModelConstant(source) ? 'constant' : fingerprint(source.data as ArrayBufferView);
    let entries = this.cache.get(source);
    const hit = entries?.get(key);
    if (hit && hit.fingerprint === print) return hit.packed as P;
    const blocks: number[] = [];
    let packed: P;
    try {
      packed = build((bytes) => {
        const at = this.allocator.allocate(bytes);
        blocks.push(at);
        return at;
      });
    } catch (e) {
      for (const at of blocks) this.allocator.release(at);
      throw e;
    }
    packed.blocks = blocks;
    if (hit) {
      this.collector.unregister(hit);
      for (const at of hit.packed.blocks) this.allocator.release(at);
    }
    if (!entries) {
      entries = new Map();
      this.cache.set(source, entries);
    }
    const entry: CacheEntry = { fingerprint: print, packed };
    this.collector.register(source, blocks, entry);
    entries.set(key, entry);
    return packed;
  }

  /** Bytes of the module's memory and how much of it is allocated. */
  memoryStats(): { memoryBytes: number; liveBytes: number } {
    return { memoryBytes: this.memory.buffer.byteLength, liveBytes: this.allocator.liveBytes() };
  }
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const chars = atob(text);
  const out = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) out[i] = chars.charCodeAt(i);
  return out;
}

let relaxedValid: boolean | undefined;

/** Whether this JavaScript engine validates the relaxed-SIMD build (Node 22+, Chrome 114+; Node 20 with a flag). */
export function relaxedSimdSupported(): boolean {
  relaxedValid ??= WebAssembly.validate(decodeBase64(RELAXED_SIMD_WASM));
  return relaxedValid;
}

/** Whether the runtime's integer GEMM gives exactly Σ (a - za)(b - zb) for these operands (a: m × k, b: k × n). */
function productIsExact(rt: Runtime, a: Int8Array | Uint8Array, aZero: number, b: Int8Array | Uint8Array, bZeros: Int32Array, m: number, k: number, n: number): boolean {
  return rt.withScratch((scratch) => {
    const alloc = (bytes: number): number => scratch.alloc(bytes);
    const left = packLeft(rt, { at: scratch.put(a), signed: a instanceof Int8Array, rows: m, cols: k, rowStride: k, colStride: 1 }, new Int32Array(m).fill(aZero), alloc, scratch);
    const right = packRight(rt, { at: scratch.put(b), signed: b instanceof Int8Array, rows: k, cols: n, rowStride: n, colStride: 1 }, bZeros, alloc, scratch);
    const acc = multiply(rt, left, right, scratch);
    for (let i = 0; i < m; i++) {
      const row = rt.view(Int32Array, acc.at + i * acc.ldc, n);
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let t = 0; t < k; t++) sum += (a[i * k + t] - aZero) * (b[t * n + j] - bZeros[j]);
        if (row[j] !== sum) return false;
      }
    }
    return true;
  });
}

/**
 * Whether a runtime's integer GEMM is exact: every pair of 8-bit values (a row per value of A, a column per value
 * of B, 8 deep so that saturating pairwise sums would show), signed and unsigned B, and a random case with zero
 * points. Relaxed SIMD leaves some results to the engine (and Node 20's V8 miscompiles
 * i32x4.relaxed_dot_i8x16_i7x16_add_s on x86-64), so the relaxed build is checked before it is trusted.
 */
export function gemmSelfTest(rt: Runtime): boolean {
  const depth = 8;
  const everyA = Int8Array.from({ length: 256 * depth }, (_, i) => (i >> 3) - 128);
  const unsignedB = Uint8Array.from({ length: depth * 256 }, (_, i) => i & 255);
  const signedB = Int8Array.from({ length: depth * 256 }, (_, i) => (i & 255) - 128);
  const noZeros = new Int32Array(256);
  if (!productIsExact(rt, everyA, 0, unsignedB, noZeros, 256, depth, 256)) return false;
  if (!productIsExact(rt, everyA, 0, signedB, noZeros, 256, depth, 256)) return false;
  // Operands without -128 on one side or the other, so that 'signed' runs its one-pass form.
  const signedB7 = Int8Array.from({ length: depth * 255 }, (_, i) => (i % 255) - 127);
  const unsignedB7 = Uint8Array.from({ length: depth * 255 }, (_, i) => (i % 255) + 1);
  const a7 = Int8Array.from({ length: 255 * depth }, (_, i) => (i >> 3) - 127);
  if (!productIsExact(rt, everyA, 0, signedB7, noZeros, 256, depth, 255)) return false;
  if (!productIsExact(rt, everyA, 0, unsignedB7, noZeros, 256, depth, 255)) return false;
  if (!productIsExact(rt, a7, 0, signedB, noZeros, 255, depth, 256)) return false;
  const [m, k, n] = [5, 37, 19];
  const a = Uint8Array.from({ length: m * k }, (_, i) => (i * 97 + 13) % 256);
  const b = Int8Array.from({ length: k * n }, (_, i) => ((i * 61 + 7) % 256) - 128);
  return productIsExact(rt, a, 131, b, Int32Array.from({ length: n }, (_, j) => (j % 5) - 2), m, k, n);
}

let active: Runtime | undefined;
let relaxedRejected = false;

/** Whether the relaxed-SIMD build validated but failed the self-test, so the SIMD build runs instead. */
export function relaxedSimdRejected(): boolean {
  return relaxedRejected;
}

/** The runtime the kernels use, loaded on first use with the configured build. */
export function runtime(): Runtime {
  if (active) return active;
  const want = armConfig().relaxedSimd;
  const supported = relaxedSimdSupported();
  if (want === true && !supported) {
    throw new Error('backend-arm: relaxedSimd: true, but this engine does not support relaxed SIMD (Node 22+, or Node 20 with --experimental-wasm-relaxed-simd)');
  }
  if (want !== false && supported) {
    const relaxed = new Runtime('relaxed-simd');
    // Whole bytes (one pass) where the engine's dot product reads them exactly, else two 7-bit passes.
    const mode = (['signed', 'split'] as const).find((m) => {
      relaxed.dotMode = m;
      return gemmSelfTest(relaxed);
    });
    relaxedRejected = mode === undefined;
    // Two 7-bit passes are slower than the SIMD build's i16 dot products: 'auto' then takes the SIMD build.
    if (mode !== undefined && (mode !== 'split' || want === true)) return (active = relaxed);
    if (want === true) throw new Error('backend-arm: relaxedSimd: true, but this engine computes the relaxed-SIMD dot products wrongly (self-test failed)');
  }
  active = new Runtime('simd');
  return active;
}

/** Drops the runtime (after a configuration change) and stops its workers; the next kernel loads a new one. */
export function resetRuntime(): void {
  active?.pool.close();
  active = undefined;
}
