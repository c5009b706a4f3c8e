/**
 * The shared matrix multiply of MatMul, Gemm and Conv (im2col): row-major, strided, with offsets.
 *
 * Large products run cache-blocked: a KC×NC block of op(B) is packed into NR-wide column panels and an MC×KC block of
 * alpha·op(A) into MR-high row panels (both as float64, so the inner loop does no float32 conversions), and a 3×4
 * register tile accumulates one panel pair at a time. Small or thin products run a direct loop instead, where
 * packing would cost more than it saves.
 */

export type FloatArray = Float32Array | Float64Array;

export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  a: FloatArray;
  aOffset: number;
  lda: number;
  b: FloatArray;
  bOffset: number;
  ldb: number;
  /** Existing C is scaled by beta; with beta 0 it is overwritten (NaN in C does not leak). */
  beta: number;
  c: FloatArray;
  cOffset: number;
  ldc: number;
}

/**
 * Register tile: MR rows of A by NR columns of B. 3×4 keeps the 12 accumulators, 3 values of A and one of B within
 * the 16 xmm registers V8 allocates (a 4×4 tile spills and runs slower).
 */
const MR = 3;
const NR = 4;
/** Depth of a packed block: one B panel (KC×NR float64 = 8 KiB) stays in L1 while A panels stream past it. */
const KC = 256;
/** Most rows of A packed per block (MC×KC float64 = 192 KiB, sized for L2); M is split into equal blocks. */
const MC = 96;
/** Columns of B packed per block (KC×NC float64 = 4 MiB). */
const NC = 2048;
/** Below this many multiply-adds, packing costs more than it saves. */
const DIRECT_WORK = 32 * 32 * 32;

// Packing buffers, reused across calls (the reference backend runs one kernel at a time).
const packedA = new Float64Array(Math.ceil(MC / MR) * MR * KC);
let packedB = new Float64Array(KC * NR);

/** C = alpha·op(A)·op(B) + beta·C. */
export function gemm(g: GemmArgs): void {
  checkArgs(g);
  const { M, N, K, beta, c, cOffset, ldc } = g;
  if (beta !== 1) {
    for (let i = 0; i < M; i++) {
      const row = cOffset + i * ldc;
      if (beta === 0) c.fill(0, row, row + N);
      else for (let j = row; j < row + N; j++) c[j] *= beta;
    }
  }
  if (M === 0 || N === 0 || K === 0) return;
  if (M < MR || N < NR || M * N * K < DIRECT_WORK) gemmDirect(g);
  else gemmBlocked(g);
}

function checkArgs(g: GemmArgs): void {
  const { M, N, K } = g;
  for (const [name, v] of [['M', M], ['N', N], ['K', K]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`gemm: ${name} must be a non-negative integer, got ${v}`);
  }
  const [aRows, aCols] = g.transA ? [K, M] : [M, K];
  const [bRows, bCols] = g.transB ? [N, K] : [K, N];
  checkMatrix('A', g.a, g.aOffset, g.lda, aRows, aCols);
  checkMatrix('B', g.b, g.bOffset, g.ldb, bRows, bCols);
  checkMatrix('C', g.c, g.cOffset, g.ldc, M, N);
}

function checkMatrix(name: string, data: FloatArray, offset: number, ld: number, rows: number, cols: number): void {
  if (rows === 0 || cols === 0) return;
  if (ld < cols) throw new Error(`gemm: leading dimension of ${name} (${ld}) is less than its ${cols} columns`);
  const last = offset + (rows - 1) * ld + cols - 1;
  if (offset < 0 || last >= data.length) {
    throw new Error(`gemm: ${name} (${rows}x${cols} at offset ${offset}, stride ${ld}) exceeds its ${data.length} elements`);
  }
}

function gemmDirect(g: GemmArgs): void {
  const { transA, transB, M, N, K, alpha, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc } = g;
  const aRowStep = transA ? 1 : lda;
  const aColStep = transA ? lda : 1;
  for (let i = 0; i < M; i++) {
    const cRow = cOffset + i * ldc;
    const aRow = aOffset + i * aRowStep;
    if (transB || N < NR) {
      // One dot product per element: contiguous in B when transposed, and no short inner loops when N is thin.
      const bColStep = transB ? ldb : 1;
      const bRowStep = transB ? 1 : ldb;
      for (let j = 0; j < N; j++) {
        const bCol = bOffset + j * bColStep;
        let sum = 0;
        for (let k = 0; k < K; k++) sum += a[aRow + k * aColStep] * b[bCol + k * bRowStep];
        c[cRow + j] += alpha * sum;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const av = alpha * a[aRow + k * aColStep];
        const bRow = bOffset + k * ldb;
        for (let j = 0; j < N; j++) c[cRow + j] += av * b[bRow + j];
      }
    }
  }
}

function gemmBlocked(g: GemmArgs): void {
  const { M, N, K, c, cOffset, ldc } = g;
  // Equal row blocks, each a whole number of MR-high panels, so no block is left with a sliver of rows.
  const rowBlock = Math.ceil(Math.ceil(M / Math.ceil(M / MC)) / MR) * MR;
  const bPanelsMax = Math.ceil(Math.min(N, NC) / NR);
  if (packedB.length < KC * NR * bPanelsMax) packedB = new Float64Array(KC * NR * bPanelsMax);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(g, pc, kc, jc, nc);
      for (let ic = 0; ic < M; ic += rowBlock) {
        const mc = Math.min(rowBlock, M - ic);
        packA(g, ic, mc, pc, kc);
        multiplyPacked(mc, nc, kc, c, cOffset + ic * ldc + jc, ldc);
      }
    }
  }
}

/** Adds packedA (mc×kc) · packedB (kc×nc) into the mc×nc block of C at cAt, one register tile at a time. */
function multiplyPacked(mc: number, nc: number, kc: number, c: FloatArray, cAt: number, ldc: number): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const bPanel = (jr / NR) * kc * NR;
    const cols = Math.min(NR, nc - jr);
    for (let ir = 0; ir < mc; ir += MR) {
      microKernel(kc, packedA, (ir / MR) * kc * MR, packedB, bPanel, c, cAt + ir * ldc + jr, ldc, Math.min(MR, mc - ir), cols);
    }
  }
}

/** Packs op(B)[pc..pc+kc, jc..jc+nc] as NR-wide panels, each kc rows of NR values, zero-padded at the right edge. */
function packB(g: GemmArgs, pc: number, kc: number, jc: number, nc: number): void {
  const { b, bOffset, ldb, transB } = g;
  const out = packedB;
  for (let jp = 0; jp < nc; jp += NR) {
    const panel = (jp / NR) * kc * NR;
    const cols = Math.min(NR, nc - jp);
    if (cols < NR) out.fill(0, panel, panel + kc * NR);
    for (let jj = 0; jj < cols; jj++) {
      const j = jc + jp + jj;
      if (transB) {
        const src = bOffset + j * ldb + pc;
        for (let k = 0; k < kc; k++) out[panel + k * NR + jj] = b[src + k];
      } else {
        const src = bOffset + pc * ldb + j;
        for (let k = 0; k < kc; k++) out[panel + k * NR + jj] = b[src + k * ldb];
      }
    }
  }
}

/** Packs alpha·op(A)[ic..ic+mc, pc..pc+kc] as MR-high panels, each kc columns of MR values, zero-padded at the bottom. */
function packA(g: GemmArgs, ic: number, mc: number, pc: number, kc: number): void {
  const { a, aOffset, lda, transA, alpha } = g;
  const out = packedA;
  for (let ip = 0; ip < mc; ip += MR) {
    const panel = (ip / MR) * kc * MR;
    const rows = Math.min(MR, mc - ip);
    if (rows < MR) out.fill(0, panel, panel + kc * MR);
    for (let ii = 0; ii < rows; ii++) {
      const i = ic + ip + ii;
      if (transA) {
        const src = aOffset + pc * lda + i;
        for (let k = 0; k < kc; k++) out[panel + k * MR + ii] = alpha * a[src + k * lda];
      } else {
        const src = aOffset + i * lda + pc;
        for (let k = 0; k < kc; k++) out[panel + k * MR + ii] = alpha * a[src + k];
      }
    }
  }
}

const edgeTile = new Float64Array(MR * NR);

/** Adds the product of one packed A panel and one packed B panel (kc deep) to the rows×cols tile of C at cAt. */
function microKernel(
  kc: number, pa: Float64Array, aAt: number, pb: Float64Array, bAt: number,
  c: FloatArray, cAt: number, ldc: number, rows: number, cols: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let ai = aAt;
  let bi = bAt;
  for (let k = 0; k < kc; k++, ai += MR, bi += NR) {
    const a0 = pa[ai], a1 = pa[ai + 1], a2 = pa[ai + 2];
    let bv = pb[bi];
    c00 += a0 * bv; c10 += a1 * bv; c20 += a2 * bv;
    bv = pb[bi + 1];
    c01 += a0 * bv; c11 += a1 * bv; c21 += a2 * bv;
    bv = pb[bi + 2];
    c02 += a0 * bv; c12 += a1 * bv; c22 += a2 * bv;
    bv = pb[bi + 3];
    c03 += a0 * bv; c13 += a1 * bv; c23 += a2 * bv;
  }
  if (rows === MR && cols === NR) {
    let r = cAt;
    c[r] += c00; c[r + 1] += c01; c[r + 2] += c02; c[r + 3] += c03;
    r += ldc;
    c[r] += c10; c[r + 1] += c11; c[r + 2] += c12; c[r + 3] += c13;
    r += ldc;
    c[r] += c20; c[r + 1] += c21; c[r + 2] += c22; c[r + 3] += c23;
    return;
  }
  const t = edgeTile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
  t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) c[cAt + i * ldc + j] += t[i * NR + j];
  }
}
