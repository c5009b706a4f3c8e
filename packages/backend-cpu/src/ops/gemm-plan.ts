/**
 * Driving the packed GEMM job: tile sizes, the job block, and packing constant matrices once. The job computes, for
 * each of `groups` independent problems, C[M×N] = A[M×K] · B[K×N] + bias, clamped; A comes prepacked, B is packed per
 * tile from a strided matrix or from the image patches of a convolution.
 */
import { activeThreads, runJob } from '../runtime/pool.js';
import { writeJob, type Scratch } from '../runtime/call.js';
import { wasmRuntime } from '../runtime/wasm.js';
import type { Plane } from './geometry.js';

/** Rows of A per micro-kernel panel; columns of B per panel. */
export const MR = 6;
export const NR = 8;
/** K and N extents of one packed B block (256 KiB: fits the L2 cache beside an A panel). */
const KC = 256;
const N_BLOCK = 256;
/** Below this many multiply-adds a job stays on the calling thread. */
const PARALLEL_MIN_WORK = 1 << 18;
/** Tiles per thread a parallel GEMM aims for, so that uneven tiles and late threads cost little. */
const TILES_PER_THREAD = 4;

export const panelRows = (m: number): number => Math.ceil(m / MR) * MR;

/** Bytes of A packed in MR-row panels. */
export const packedABytes = (m: number, k: number): number => panelRows(m) * k * 4;

/** Packs `groups` row-major [m × k] matrices laid one after the other at `src` into MR panels at `dst`. */
export function packGroupsA(dst: number, src: number, groups: number, m: number, k: number): void {
  const { packA } = wasmRuntime().exports;
  for (let g = 0; g < groups; g++) packA(dst + g * packedABytes(m, k), src + g * m * k * 4, m, k, k, 1);
}

export interface GemmProblem {
  /** Independent problems; problem p uses A (and bias) group p % aGroups. */
  groups: number;
  aGroups: number;
  M: number;
  N: number;
  K: number;
  a: number;
  b: number;
  bGroupStride: number;
  /** A strided matrix: element (k, n) at b + (k·rowStride + n·colStride)·4. */
  matrix?: { rowStride: number; colStride: number };
  /** Image patches: B's row k is channel k/(kh·kw) at kernel offset k%(kh·kw), its column an output pixel. */
  conv?: Plane;
  c: number;
  ldc: number;
  cGroupStride: number;
  /** Per-row bias [aGroups × M], 0 for none. */
  bias: number;
  lo: number;
  hi: number;
  /** C already holds values the product is added to. */
  addToC?: boolean;
}

export function runGemm(p: GemmProblem, scratch: Scratch): void {
  const threads = p.M * p.N * p.K * p.groups >= PARALLEL_MIN_WORK ? activeThreads() : 1;
  // N blocks of (nearly) equal width: 784 columns make four blocks of 200, not three of 256 and one of 16.
  const nBlock = Math.ceil(p.N / Math.ceil(p.N / N_BLOCK) / NR) * NR;
  const tilesN = Math.ceil(p.N / nBlock);
  // Split M too when there are too few tiles to share out evenly (each M chunk packs its B blocks again).
  const wanted = Math.ceil((TILES_PER_THREAD * threads) / (tilesN * p.groups));
  const mChunk = threads > 1 && wanted > 1 ? Math.max(MR, panelRows(Math.ceil(p.M / wanted))) : panelRows(p.M);
  const tilesM = Math.ceil(p.M / mChunk);
  const kc = Math.min(KC, p.K);
  const scratchStride = 512 + kc * nBlock * 4;
  const scratchAt = scratch.alloc(scratchStride * threads);
  const geo = p.conv;
  const job = writeJob([
    0, p.groups * tilesM * tilesN, p.groups, p.M, p.N, p.K,
    p.a, packedABytes(p.M, p.K), p.b, p.bGroupStride, geo ? 1 : 0, p.matrix?.rowStride ?? 0, p.matrix?.colStride ?? 0,
    p.c, p.ldc, p.cGroupStride, p.bias, p.lo, p.hi, scratchAt, scratchStride, nBlock, mChunk, kc,
    geo?.H ?? 0, geo?.W ?? 0, geo?.kh ?? 0, geo?.kw ?? 0, geo?.sh ?? 0, geo?.sw ?? 0, geo?.ph ?? 0, geo?.pw ?? 0,
    geo?.dh ?? 0, geo?.dw ?? 0, geo?.outW ?? 0, tilesM, tilesN, p.aGroups, p.addToC ? 1 : 0,
  ], [17, 18]);
  runJob('gemmJob', job, threads);
}
