// Depthwise convolution and pooling on NCHW planes, one plane per tile.
import { clamp4 } from './simd';

@unmanaged
export class PlaneJob {
  counter: i32;
  tiles: i32; // N·C planes
  C: i32;
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
  w: usize; // depthwise: weights [C][kh][kw]
  bias: usize; // depthwise: [C] or 0
  y: usize;
  lo: f32;
  hi: f32;
  mode: i32; // pooling: 0 max, 1 average over the image taps, 2 average over the padded window
  padEndH: i32;
  padEndW: i32;
  paddedH: i32; // pooling: rows and columns of the padded copy of a plane
  paddedW: i32;
  scratch: usize; // pooling: per-thread buffers, scratchStride bytes apart
  scratchStride: usize;
}

/** Depthwise convolution (one filter per channel): SIMD over 4 output columns where the window is inside the row. */
export function depthwiseJob(job: PlaneJob, tid: i32): void {
  const H = job.H, W = job.W, kh = job.kh, kw = job.kw, outH = job.outH, outW = job.outW;
  const lo = f32x4.splat(job.lo), hi = f32x4.splat(job.hi);
  // Output columns [colStart, colEnd) read only inside the row (stride 1).
  const colStart = job.pw;
  const colEnd = W - (kw - 1) * job.dw + job.pw;
  while (true) {
    const plane = atomic.add<i32>(changetype<usize>(job), 1);
    if (plane >= job.tiles) break;
    const c = plane % job.C;
    const x = job.x + (<usize>(plane * H * W) << 2);
    const y = job.y + (<usize>(plane * outH * outW) << 2);
    const wc = job.w + (<usize>(c * kh * kw) << 2);
    const b: f32 = job.bias != 0 ? load<f32>(job.bias + (<usize>c << 2)) : 0;
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * job.sh - job.ph;
      const yrow = y + (<usize>(oy * outW) << 2);
      let ox = 0;
      if (job.sw == 1) {
        for (; ox < min(colStart, outW); ox++) store<f32>(yrow + (<usize>ox << 2), depthwisePoint(job, x, wc, b, iy0, ox - job.pw));
        for (; ox + 4 <= min(colEnd, outW); ox += 4) {
          let acc = f32x4.splat(b);
          for (let ky = 0; ky < kh; ky++) {
            const iy = iy0 + ky * job.dh;
            if (iy < 0 || iy >= H) continue;
            const xrow = x + (<usize>(iy * W + ox - job.pw) << 2);
            const wrow = wc + (<usize>(ky * kw) << 2);
            for (let kx = 0; kx < kw; kx++) {
              acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wrow + (<usize>kx << 2)), v128.load(xrow + (<usize>(kx * job.dw) << 2))));
            }
          }
          v128.store(yrow + (<usize>ox << 2), clamp4(acc, lo, hi));
        }
      }
      for (; ox < outW; ox++) store<f32>(yrow + (<usize>ox << 2), depthwisePoint(job, x, wc, b, iy0, ox * job.sw - job.pw));
    }
  }
}

// @ts-ignore: decorator
@inline
function depthwisePoint(job: PlaneJob, x: usize, wc: usize, b: f32, iy0: i32, ix0: i32): f32 {
  let acc = b;
  for (let ky = 0; ky < job.kh; ky++) {
    const iy = iy0 + ky * job.dh;
    if (iy < 0 || iy >= job.H) continue;
    for (let kx = 0; kx < job.kw; kx++) {
      const ix = ix0 + kx * job.dw;
      if (ix < 0 || ix >= job.W) continue;
      acc += load<f32>(wc + (<usize>(ky * job.kw + kx) << 2)) * load<f32>(x + (<usize>(iy * job.W + ix) << 2));
    }
  }
  return min(max(acc, job.lo), job.hi);
}

/**
 * Max or average pooling of each plane. The plane is first copied into a per-thread buffer with its padding filled
 * (-Infinity for max, 0 for average) and room for ceil_mode's overhang, so every window reads without bounds checks;
 * averages divide by the number of taps inside the image (mode 1) or inside the padded image (mode 2).
 */
export function poolJob(job: PlaneJob, tid: i32): void {
  const H = job.H, W = job.W, outH = job.outH, outW = job.outW;
  const kh = job.kh, kw = job.kw, sh = job.sh, sw = job.sw, dh = job.dh, dw = job.dw, ph = job.ph, pw = job.pw;
  const Hp = job.paddedH, Wp = job.paddedW;
  const average = job.mode != 0;
  const fill: f32 = average ? 0 : -Infinity;
  const scratch = job.scratch + <usize>tid * job.scratchStride;
  // Per output column: how many window columns count toward an average.
  const colCounts = scratch;
  const padded = scratch + ((<usize>outW << 2) + 63 & ~63);
  for (let ox = 0; ox < outW; ox++) {
    store<f32>(colCounts + (<usize>ox << 2), <f32>tapCount(ox * sw - pw, dw, kw, job.mode == 2 ? -pw : 0, job.mode == 2 ? W + job.padEndW : W));
  }
  const rowBytes = <usize>(Wp * dh) << 2;
  while (true) {
    const plane = atomic.add<i32>(changetype<usize>(job), 1);
    if (plane >= job.tiles) break;
    const x = job.x + (<usize>(plane * H * W) << 2);
    const y = job.y + (<usize>(plane * outH * outW) << 2);
    for (let r = 0; r < Hp; r++) {
      const dst = padded + (<usize>(r * Wp) << 2);
      const iy = r - ph;
      if (iy < 0 || iy >= H) {
        fillRow(dst, Wp, fill);
      } else {
        fillRow(dst, pw, fill);
        memory.copy(dst + (<usize>pw << 2), x + (<usize>(iy * W) << 2), <usize>W << 2);
        fillRow(dst + (<usize>(pw + W) << 2), Wp - pw - W, fill);
      }
    }
    for (let oy = 0; oy < outH; oy++) {
      const rowAt = padded + (<usize>(oy * sh * Wp) << 2);
      const outAt = y + (<usize>(oy * outW) << 2);
      const rowCount = <f32>tapCount(oy * sh - ph, dh, kh, job.mode == 2 ? -ph : 0, job.mode == 2 ? H + job.padEndH : H);
      let ox = 0;
      if (dw == 1 && (sw == 1 || sw == 2)) {
        for (; ox + 4 <= outW; ox += 4) {
          let v = poolWindows4(rowAt + (<usize>(ox * sw) << 2), kh, kw, rowBytes, sw == 2, average);
          if (average) v = f32x4.div(v, f32x4.mul(f32x4.splat(rowCount), v128.load(colCounts + (<usize>ox << 2))));
          v128.store(outAt + (<usize>ox << 2), v);
        }
      }
      for (; ox < outW; ox++) {
        let best: f32 = -Infinity;
        let sum: f32 = 0;
        let at = rowAt + (<usize>(ox * sw) << 2);
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const v = load<f32>(at + (<usize>(kx * dw) << 2));
            // A NaN wins, as in the reference.
            if (v > best || v != v) best = v;
            sum += v;
          }
          at += rowBytes;
        }
        store<f32>(outAt + (<usize>ox << 2), average ? sum / (rowCount * load<f32>(colCounts + (<usize>ox << 2))) : best);
      }
    }
  }
}

/** How many of `taps` positions origin + k·step fall in [from, to). */
// @ts-ignore: decorator
@inline
function tapCount(origin: i32, step: i32, taps: i32, from: i32, to: i32): i32 {
  const first = origin >= from ? 0 : (from - origin + step - 1) / step;
  const end = origin >= to ? 0 : min(taps, (to - origin + step - 1) / step);
  return max(0, end - first);
}

// @ts-ignore: decorator
@inline
function fillRow(dst: usize, count: i32, value: f32): void {
  for (let i = 0; i < count; i++) store<f32>(dst + (<usize>i << 2), value);
}

/**
 * Four neighbouring windows of the padded plane, the first starting at `at`, the others 1 or 2 columns apart
 * (`strideTwo`): each tap loads four consecutive floats, or eight and keeps the even ones. Returns the maxima or sums.
 */
// @ts-ignore: decorator
@inline
function poolWindows4(at: usize, kh: i32, kw: i32, rowBytes: usize, strideTwo: bool, average: bool): v128 {
  let best = f32x4.splat(-Infinity);
  let sum = f32x4.splat(0);
  let nan = f32x4.splat(0);
  for (let ky = 0; ky < kh; ky++) {
    let p = at;
    for (let kx = 0; kx < kw; kx++) {
      const v = strideTwo ? v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6) : v128.load(p);
      // pmax drops NaN; the mask of NaN lanes brings it back at the end (a NaN wins, as in the reference).
      best = v128.pmax<f32>(v, best);
      nan = v128.or(nan, f32x4.ne(v, v));
      sum = f32x4.add(sum, v);
      p += 4;
    }
    at += rowBytes;
  }
  return average ? sum : v128.bitselect(f32x4.splat(NaN), best, nan);
}
