// Parallel jobs: each thread calls the same export with the job block and claims tiles from its atomic counter, so
// one thread or many run the same code. Every field of a job block is 4 bytes, in the order the JS side writes them.
import { Epilogue, MR, NR, gemmBlock } from './gemm';

@unmanaged
export class GemmJob {
  counter: i32;
  tiles: i32;
  groups: i32;
  M: i32;
  N: i32;
  K: i32;
  a: usize;
  aGroupStride: usize;
  b: usize;
  bGroupStride: usize;
  bMode: i32; // 0: matrix with strides, 1: image patches of a convolution
  bRowStride: i32;
  bColStride: i32;
  c: usize;
  ldc: i32;
  cGroupStride: usize;
  bias: usize;
  lo: f32;
  hi: f32;
  scratch: usize;
  scratchStride: usize;
  nBlock: i32;
  mChunk: i32;
  kc: i32;
  H: i32;
  W: i32;
  kh: i32;
  kw: i32;
  sh: i32;
  sw: i32;
  ph: i32;
  pw: i32;
  dh: i32;
  dw: i32;
  outW: i32;
  tilesM: i32;
  tilesN: i32;
  aGroups: i32; // groups of A (and bias); job group g uses A group g % aGroups
  addToC: i32; // nonzero: C holds values to add to (Gemm's C input)
}

// Per-thread scratch: [0, 256) temp tile and epilogue, [256, 320) column coordinates, [512, ...) packed B block.
const SCRATCH_TMP: usize = 0;
const SCRATCH_COLS: usize = 256;
export const SCRATCH_B: usize = 512;

/** Packs columns [n0, n0+cols) of rows [k0, k0+kc) of a strided matrix into NR-wide panels (zero past cols). */
function packMatrixB(dst: usize, src: usize, rowStride: i32, colStride: i32, k0: i32, kc: i32, n0: i32, cols: i32): void {
  for (let j = 0; j < cols; j += NR) {
    const width = min(NR, cols - j);
    if (colStride == 1 && width == NR) {
      let s = src + ((<usize>k0 * rowStride + n0 + j) << 2);
      const step = <usize>rowStride << 2;
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(s));
        v128.store(dst, v128.load(s, 16), 16);
        s += step;
        dst += NR * 4;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const row = src + (<usize>((k0 + k) * rowStride) << 2);
        for (let q = 0; q < NR; q++) {
          store<f32>(dst + (<usize>q << 2), q < width ? load<f32>(row + (<usize>((n0 + j + q) * colStride) << 2)) : 0);
        }
        dst += NR * 4;
      }
    }
  }
}

/**
 * Packs the image patches (im2col) of output pixels [n0, n0+cols) for patch rows [k0, k0+kc) into NR-wide panels;
 * patch row k is channel k/(kh·kw), kernel offset k%(kh·kw). Out-of-image taps (padding) are zero.
 */
function packConvB(dst: usize, x: usize, job: GemmJob, k0: i32, kc: i32, n0: i32, cols: i32, coords: usize): void {
  const H = job.H, W = job.W, kh = job.kh, kw = job.kw, outW = job.outW;
  const taps = kh * kw;
  for (let j = 0; j < cols; j += NR) {
    const width = min(NR, cols - j);
    const first = n0 + j;
    const oy0 = first / outW;
    const ox0 = first - oy0 * outW;
    // Contiguous when the NR pixels share an output row and the stride is 1.
    const oneRow = width == NR && job.sw == 1 && ox0 + NR <= outW;
    for (let q = 0; q < NR; q++) {
      const n = first + q;
      const oy = n / outW;
      const ox = n - oy * outW;
      store<i32>(coords + (<usize>q << 3), q < width ? oy * job.sh - job.ph : -1 << 30);
      store<i32>(coords + (<usize>q << 3) + 4, ox * job.sw - job.pw);
    }
    let c = k0 / taps;
    let r = k0 - c * taps;
    let ky = r / kw;
    let kx = r - ky * kw;
    for (let k = 0; k < kc; k++) {
      const plane = x + (<usize>(c * H * W) << 2);
      const dy = ky * job.dh, dx = kx * job.dw;
      if (oneRow) {
        const iy = oy0 * job.sh - job.ph + dy;
        const ix = ox0 - job.pw + dx;
        if (iy < 0 || iy >= H) {
          v128.store(dst, f32x4.splat(0));
          v128.store(dst, f32x4.splat(0), 16);
        } else if (ix >= 0 && ix + NR <= W) {
          const s = plane + (<usize>(iy * W + ix) << 2);
          v128.store(dst, v128.load(s));
          v128.store(dst, v128.load(s, 16), 16);
        } else {
          const row = plane + (<usize>(iy * W) << 2);
          for (let q = 0; q < NR; q++) {
            const xi = ix + q;
            store<f32>(dst + (<usize>q << 2), xi >= 0 && xi < W ? load<f32>(row + (<usize>xi << 2)) : 0);
          }
        }
      } else {
        for (let q = 0; q < NR; q++) {
          const iy = load<i32>(coords + (<usize>q << 3)) + dy;
          const ix = load<i32>(coords + (<usize>q << 3) + 4) + dx;
          store<f32>(dst + (<usize>q << 2), iy >= 0 && iy < H && ix >= 0 && ix < W ? load<f32>(plane + (<usize>(iy * W + ix) << 2)) : 0);
        }
      }
      dst += NR * 4;
      if (++kx == kw) {
        kx = 0;
        if (++ky == kh) {
          ky = 0;
          c++;
        }
      }
    }
  }
}

/** Packs rows [0, M) × cols [0, K) of a strided matrix into MR-row panels [panel][k][MR], zero past M. */
export function packA(dst: usize, src: usize, M: i32, K: i32, rowStride: i32, colStride: i32): void {
  for (let m = 0; m < M; m += MR) {
    const rows = min(MR, M - m);
    for (let k = 0; k < K; k++) {
      for (let r = 0; r < MR; r++) {
        store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(src + (<usize>((m + r) * rowStride + k * colStride) << 2)) : 0);
      }
      dst += MR * 4;
    }
  }
}

export function gemmJob(job: GemmJob, tid: i32): void {
  const scratch = job.scratch + <usize>tid * job.scratchStride;
  const ep = changetype<Epilogue>(scratch + SCRATCH_TMP + MR * NR * 4 + 32);
  const tmp = scratch + SCRATCH_TMP;
  const packed = scratch + SCRATCH_B;
  const perGroup = job.tilesM * job.tilesN;
  const aPanelStride = <usize>(job.K * MR * 4);
  while (true) {
    const t = atomic.add<i32>(changetype<usize>(job), 1);
    if (t >= job.tiles) break;
    const g = t / perGroup;
    const rest = t - g * perGroup;
    const tn = rest / job.tilesM;
    const tm = rest - tn * job.tilesM;
    const m0 = tm * job.mChunk;
    const m1 = min(job.M, m0 + job.mChunk);
    const n0 = tn * job.nBlock;
    const cols = min(job.N, n0 + job.nBlock) - n0;
    const ag = g % job.aGroups;
    const a = job.a + <usize>ag * job.aGroupStride + <usize>(m0 / MR) * aPanelStride;
    const b = job.b + <usize>g * job.bGroupStride;
    const c = job.c + <usize>g * job.cGroupStride + (<usize>n0 << 2);
    for (let k0 = 0; k0 < job.K; k0 += job.kc) {
      const kc = min(job.kc, job.K - k0);
      if (job.bMode == 1) packConvB(packed, b, job, k0, kc, n0, cols, scratch + SCRATCH_COLS);
      else packMatrixB(packed, b, job.bRowStride, job.bColStride, k0, kc, n0, cols);
      ep.accumulate = k0 > 0 || job.addToC != 0;
      ep.last = k0 + kc >= job.K;
      ep.bias = k0 == 0 && job.bias != 0 ? job.bias + (<usize>(ag * job.M) << 2) : 0;
      ep.lo = job.lo;
      ep.hi = job.hi;
      gemmBlock(a + (<usize>(k0 * MR) << 2), aPanelStride, m0, m1, packed, kc, cols, c, job.ldc, ep, tmp);
    }
  }
}

/**
 * Writes the image patches of a convolution as a [C·kh·kw] × [outH·outW] matrix (im2col), row by row: each row is one
 * channel at one kernel offset, each output row of it a strided run of an image row with zeros where it reads padding.
 */
export function im2col(dst: usize, x: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, outH: i32, outW: i32): void {
  for (let c = 0; c < C; c++) {
    const plane = x + (<usize>(c * H * W) << 2);
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const shift = kx * dw - pw;
        // Output columns whose tap lies inside the row: 0 <= ox·sw + shift < W.
        const first = shift >= 0 ? 0 : min(outW, (-shift + sw - 1) / sw);
        const last = W - shift <= 0 ? 0 : max(first, min(outW, (W - shift + sw - 1) / sw));
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sh - ph + ky * dh;
          if (iy < 0 || iy >= H) {
            memory.fill(dst, 0, <usize>outW << 2);
          } else {
            const row = plane + (<usize>(iy * W + shift) << 2);
            if (first > 0) memory.fill(dst, 0, <usize>first << 2);
            if (sw == 1) memory.copy(dst + (<usize>first << 2), row + (<usize>first << 2), <usize>(last - first) << 2);
            else for (let ox = first; ox < last; ox++) store<f32>(dst + (<usize>ox << 2), load<f32>(row + (<usize>(ox * sw) << 2)));
            if (last < outW) memory.fill(dst + (<usize>last << 2), 0, <usize>(outW - last) << 2);
          }
          dst += <usize>outW << 2;
        }
      }
    }
  }
}

@unmanaged
export class Im2colJob {
  counter: i32;
  tiles: i32; // problems × channels per problem
  C: i32; // channels per problem
  H: i32;
  W: i32;
  kh: i32;
  kw: i32;
  sh: i32;
  sw: i32;
  ph: i32;
  pw: i32;
  dh: i32;
  dw: i32;
  outH: i32;
  outW: i32;
  x: usize;
  dst: usize;
}

/** im2col of every (problem, channel) pair claimed; problem p reads image channels [p·C, (p+1)·C). */
export function im2colJob(job: Im2colJob, tid: i32): void {
  const plane = <usize>(job.H * job.W) << 2;
  const rows = <usize>(job.kh * job.kw * job.outH * job.outW) << 2;
  while (true) {
    const t = atomic.add<i32>(changetype<usize>(job), 1);
    if (t >= job.tiles) break;
    // Problems are consecutive: pair t reads image channel t and writes rows [t·kh·kw, (t+1)·kh·kw) of the stacked
    // matrices.
    im2col(job.dst + <usize>t * rows, job.x + <usize>t * plane, 1, job.H, job.W, job.kh, job.kw, job.sh, job.sw, job.ph, job.pw, job.dh, job.dw, job.outH, job.outW);
  }
}
