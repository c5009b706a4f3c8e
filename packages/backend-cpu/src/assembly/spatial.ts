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
  paddedH: i32; // rows and columns of the padded copy of a plane
  paddedW: i32;
  scratch: usize; // per-thread buffers, scratchStride bytes apart
  scratchStride: usize;
}

/**
 * Depthwise convolution (one filter per channel). Each plane is first copied into a per-thread buffer with its padding
 * zeroed and spare columns for the last vector, so every window reads without bounds checks; strides 1 and 2 run four
 * output columns at a time (3×3 with its nine weights held in registers), other strides one at a time.
 */
export function depthwiseJob(job: PlaneJob, tid: i32): void {
  const H = job.H, W = job.W, kh = job.kh, kw = job.kw, outH = job.outH, outW = job.outW;
  const Wp = job.paddedW;
  const lo = f32x4.splat(job.lo), hi = f32x4.splat(job.hi);
  const padded = job.scratch + <usize>tid * job.scratchStride;
  const vector = job.sw == 1 || job.sw == 2;
  const threeByThree = vector && kh == 3 && kw == 3 && job.dw == 1;
  fillRow(padded, job.paddedH * Wp, 0);
  while (true) {
    const plane = atomic.add<i32>(changetype<usize>(job), 1);
    if (plane >= job.tiles) break;
    const c = plane % job.C;
    copyIntoPadded(padded, job.x + (<usize>(plane * H * W) << 2), H, W, job.ph, job.pw, Wp);
    const y = job.y + (<usize>(plane * outH * outW) << 2);
    const wc = job.w + (<usize>(c * kh * kw) << 2);
    const b: f32 = job.bias != 0 ? load<f32>(job.bias + (<usize>c << 2)) : 0;
    if (threeByThree) depthwise3x3(job, padded, wc, b, y, lo, hi);
    else if (vector) depthwiseVector(job, padded, wc, b, y, lo, hi);
    else depthwiseScalar(job, padded, wc, b, y);
  }
}

/** Four windows of a padded row starting at `at`, 1 or 2 columns apart: four consecutive floats, or the even of eight. */
// @ts-ignore: decorator
@inline
function lanes4(at: usize, strideTwo: bool): v128 {
  return strideTwo ? v128.shuffle<f32>(v128.load(at), v128.load(at, 16), 0, 2, 4, 6) : v128.load(at);
}

/** acc + the three taps of one kernel row (weights wa, wb, wc) for four windows starting at `at`. */
// @ts-ignore: decorator
@inline
function kernelRow3(acc: v128, at: usize, wa: v128, wb: v128, wc: v128, strideTwo: bool): v128 {
  acc = f32x4.add(acc, f32x4.mul(wa, lanes4(at, strideTwo)));
  acc = f32x4.add(acc, f32x4.mul(wb, lanes4(at + 4, strideTwo)));
  return f32x4.add(acc, f32x4.mul(wc, lanes4(at + 8, strideTwo)));
}

/** Stores the first `count` (up to 4) lanes of v at `at`. */
// @ts-ignore: decorator
@inline
function storeLanes(at: usize, v: v128, count: i32): void {
  if (count >= 4) {
    v128.store(at, v);
    return;
  }
  store<f32>(at, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(at, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(at, f32x4.extract_lane(v, 2), 8);
}

function depthwise3x3(job: PlaneJob, padded: usize, wc: usize, b: f32, y: usize, lo: v128, hi: v128): void {
  const w0 = v128.load32_splat(wc), w1 = v128.load32_splat(wc, 4), w2 = v128.load32_splat(wc, 8);
  const w3 = v128.load32_splat(wc, 12), w4 = v128.load32_splat(wc, 16), w5 = v128.load32_splat(wc, 20);
  const w6 = v128.load32_splat(wc, 24), w7 = v128.load32_splat(wc, 28), w8 = v128.load32_splat(wc, 32);
  const strideTwo = job.sw == 2;
  const outW = job.outW;
  const rowBytes = <usize>(job.paddedW * job.dh) << 2;
  const step: usize = strideTwo ? 32 : 16;
  for (let oy = 0; oy < job.outH; oy++) {
    let at = padded + (<usize>(oy * job.sh * job.paddedW) << 2);
    const out = y + (<usize>(oy * outW) << 2);
    for (let ox = 0; ox < outW; ox += 4) {
      let acc = f32x4.splat(b);
      acc = kernelRow3(acc, at, w0, w1, w2, strideTwo);
      acc = kernelRow3(acc, at + rowBytes, w3, w4, w5, strideTwo);
      acc = kernelRow3(acc, at + 2 * rowBytes, w6, w7, w8, strideTwo);
      storeLanes(out + (<usize>ox << 2), clamp4(acc, lo, hi), outW - ox);
      at += step;
    }
  }
}

function depthwiseVector(job: PlaneJob, padded: usize, wc: usize, b: f32, y: usize, lo: v128, hi: v128): void {
  const strideTwo = job.sw == 2;
  const outW = job.outW, kh = job.kh, kw = job.kw;
  const rowBytes = <usize>(job.paddedW * job.dh) << 2;
  const tapBytes = <usize>job.dw << 2;
  for (let oy = 0; oy < job.outH; oy++) {
    const row = padded + (<usize>(oy * job.sh * job.paddedW) << 2);
    const out = y + (<usize>(oy * outW) << 2);
    for (let ox = 0; ox < outW; ox += 4) {
      let acc = f32x4.splat(b);
      let at = row + (<usize>(ox * job.sw) << 2);
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const w = v128.load32_splat(wc + (<usize>(ky * kw + kx) << 2));
          acc = f32x4.add(acc, f32x4.mul(w, lanes4(at + <usize>kx * tapBytes, strideTwo)));
        }
        at += rowBytes;
      }
      storeLanes(out + (<usize>ox << 2), clamp4(acc, lo, hi), outW - ox);
    }
  }
}

function depthwiseScalar(job: PlaneJob, padded: usize, wc: usize, b: f32, y: usize): void {
  const Wp = job.paddedW;
  for (let oy = 0; oy < job.outH; oy++) {
    for (let ox = 0; ox < job.outW; ox++) {
      let acc = b;
      for (let ky = 0; ky < job.kh; ky++) {
        const row = padded + (<usize>((oy * job.sh + ky * job.dh) * Wp + ox * job.sw) << 2);
        for (let kx = 0; kx < job.kw; kx++) {
          acc += load<f32>(wc + (<usize>(ky * job.kw + kx) << 2)) * load<f32>(row + (<usize>(kx * job.dw) << 2));
        }
      }
      store<f32>(y + (<usize>(oy * job.outW + ox) << 2), min(max(acc, job.lo), job.hi));
    }
  }
}

/**
 * Copies plane x [H][W] into a padded buffer of rows Wp floats wide at row ph, column pw. The padding around it is
 * filled once per job (every plane of a job has the same geometry, so it stays as it is).
 */
function copyIntoPadded(dst: usize, x: usize, H: i32, W: i32, ph: i32, pw: i32, Wp: i32): void {
  for (let iy = 0; iy < H; iy++) {
    memory.copy(dst + (<usize>((iy + ph) * Wp + pw) << 2), x + (<usize>(iy * W) << 2), <usize>W << 2);
  }
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
  fillRow(padded, Hp * Wp, fill);
  while (true) {
    const plane = atomic.add<i32>(changetype<usize>(job), 1);
    if (plane >= job.tiles) break;
    const x = job.x + (<usize>(plane * H * W) << 2);
    const y = job.y + (<usize>(plane * outH * outW) << 2);
    copyIntoPadded(padded, x, H, W, ph, pw, Wp);
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
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), v);
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), value);
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
