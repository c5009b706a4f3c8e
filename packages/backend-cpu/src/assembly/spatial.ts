// Depthwise convolution and pooling on NCHW planes, one plane per tile.

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
          v128.store(yrow + (<usize>ox << 2), f32x4.min(f32x4.max(acc, lo), hi));
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

/** Max or average pooling of each plane; windows are clipped to the image (padding never wins a max). */
export function poolJob(job: PlaneJob, tid: i32): void {
  const H = job.H, W = job.W, outH = job.outH, outW = job.outW;
  while (true) {
    const plane = atomic.add<i32>(changetype<usize>(job), 1);
    if (plane >= job.tiles) break;
    const x = job.x + (<usize>(plane * H * W) << 2);
    const y = job.y + (<usize>(plane * outH * outW) << 2);
    // Output columns whose window lies inside the row; with rows inside too, the window needs no bounds checks.
    const kh = job.kh, kw = job.kw, average = job.mode != 0;
    const rowBytes = <usize>(W * job.dh) << 2;
    const stepBytes = <usize>job.dw << 2;
    const colStart = min(outW, (job.pw + job.sw - 1) / job.sw);
    const colEnd = max(colStart, min(outW, (W - (job.kw - 1) * job.dw + job.pw + job.sw - 1) / job.sw));
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * job.sh - job.ph;
      const rowsInside = iy0 >= 0 && iy0 + (job.kh - 1) * job.dh < H;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * job.sw - job.pw;
        if (rowsInside && ox >= colStart && ox < colEnd) {
          store<f32>(y + (<usize>(oy * outW + ox) << 2), poolInside(x + (<usize>(iy0 * W + ix0) << 2), kh, kw, rowBytes, stepBytes, average));
          continue;
        }
        let best: f32 = -Infinity;
        let sum: f32 = 0;
        let taps = 0;
        let seen = false;
        for (let ky = 0; ky < job.kh; ky++) {
          const iy = iy0 + ky * job.dh;
          if (iy < 0 || iy >= H) continue;
          const row = x + (<usize>(iy * W) << 2);
          for (let kx = 0; kx < job.kw; kx++) {
            const ix = ix0 + kx * job.dw;
            if (ix < 0 || ix >= W) continue;
            const v = load<f32>(row + (<usize>ix << 2));
            // NaN wins, as with numpy's max.
            if (!seen || v > best || (v != v && best == best)) best = v;
            seen = true;
            sum += v;
            taps++;
          }
        }
        let out: f32;
        if (job.mode == 0) out = best;
        else if (job.mode == 1) out = sum / <f32>taps;
        else {
          // The window clipped to the padded image (not to the overhang of ceil_mode).
          const y0 = max(iy0, -job.ph), y1 = min(iy0 + (job.kh - 1) * job.dh + 1, H + job.padEndH);
          const x0 = max(ix0, -job.pw), x1 = min(ix0 + (job.kw - 1) * job.dw + 1, W + job.padEndW);
          out = sum / <f32>(((y1 - y0 + job.dh - 1) / job.dh) * ((x1 - x0 + job.dw - 1) / job.dw));
        }
        store<f32>(y + (<usize>(oy * outW + ox) << 2), out);
      }
    }
  }
}

/** Pooling of a window entirely inside the image, starting at `at`: no bounds checks, no padding in the divisor. */
// @ts-ignore: decorator
@inline
function poolInside(at: usize, kh: i32, kw: i32, rowBytes: usize, stepBytes: usize, average: bool): f32 {
  let best: f32 = load<f32>(at);
  let sum: f32 = 0;
  for (let ky = 0; ky < kh; ky++) {
    let p = at;
    for (let kx = 0; kx < kw; kx++) {
      const v = load<f32>(p);
      // f32.max propagates NaN, as the reference's NaN-wins rule does.
      best = max(best, v);
      sum += v;
      p += stepBytes;
    }
    at += rowBytes;
  }
  return average ? sum / <f32>(kh * kw) : best;
}
