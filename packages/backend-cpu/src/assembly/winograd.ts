// Winograd F(2×2, 3×3) for 3×3 stride-1 convolutions: every 2×2 block of output (a tile) comes from a 4×4 input patch
// through 16 products instead of 36. Input patches and filters are transformed into 16 matrices each (one per position
// ξ of the 4×4 transform), the 16 products are one batched GEMM, and the output transform folds each 4×4 result back to
// 2×2. Transforms (B^T d B, G g G^T, A^T m A) are those of Lavin and Gray's F(2,3).

@unmanaged
export class WinogradJob {
  counter: i32;
  tiles: i32; // channels (input transform) or filters (output transform)
  C: i32;
  H: i32;
  W: i32;
  ph: i32;
  pw: i32;
  tilesH: i32;
  tilesW: i32;
  x: usize; // input transform: image [C][H][W]; output transform: products [16][M][T]
  y: usize; // input transform: [16][C][T]; output transform: output [M][outH][outW]
  outH: i32;
  outW: i32;
  M: i32;
  bias: usize;
  lo: f32;
  hi: f32;
  xiStride: usize; // bytes between the matrices of two transform positions (padded off multiples of 4 KiB)
}

/** The 4×4 transform of one filter g (3×3 at `g`) into u[ξ] at `u` + ξ·stride. */
export function winogradFilter(u: usize, stride: usize, g: usize): void {
  // t = G g (4×3), then u = t G^T (4×4).
  for (let r = 0; r < 4; r++) {
    let t0: f32, t1: f32, t2: f32;
    if (r == 0) {
      t0 = load<f32>(g); t1 = load<f32>(g, 4); t2 = load<f32>(g, 8);
    } else if (r == 3) {
      t0 = load<f32>(g, 24); t1 = load<f32>(g, 28); t2 = load<f32>(g, 32);
    } else {
      const s: f32 = r == 1 ? 1 : -1;
      t0 = 0.5 * (load<f32>(g) + s * load<f32>(g, 12) + load<f32>(g, 24));
      t1 = 0.5 * (load<f32>(g, 4) + s * load<f32>(g, 16) + load<f32>(g, 28));
      t2 = 0.5 * (load<f32>(g, 8) + s * load<f32>(g, 20) + load<f32>(g, 32));
    }
    const base = u + <usize>(r * 4) * stride;
    store<f32>(base, t0);
    store<f32>(base + stride, 0.5 * (t0 + t1 + t2));
    store<f32>(base + 2 * stride, 0.5 * (t0 - t1 + t2));
    store<f32>(base + 3 * stride, t2);
  }
}

// @ts-ignore: decorator
@inline
function pixel(plane: usize, H: i32, W: i32, y: i32, x: i32): f32 {
  return y >= 0 && y < H && x >= 0 && x < W ? load<f32>(plane + (<usize>(y * W + x) << 2)) : 0;
}

/** Input transform of the channels claimed: V[ξ][c][t] = (B^T d B)[ξ] for the 4×4 patch d of every tile t. */
export function winogradInputJob(job: WinogradJob, tid: i32): void {
  const H = job.H, W = job.W, T = job.tilesH * job.tilesW;
  const xiStride = job.xiStride;
  while (true) {
    const c = atomic.add<i32>(changetype<usize>(job), 1);
    if (c >= job.tiles) break;
    const plane = job.x + (<usize>(c * H * W) << 2);
    let out = job.y + (<usize>(c * T) << 2);
    for (let ty = 0; ty < job.tilesH; ty++) {
      const y0 = ty * 2 - job.ph;
      const inside = y0 >= 0 && y0 + 4 <= H;
      for (let tx = 0; tx < job.tilesW; tx++) {
        const x0 = tx * 2 - job.pw;
        // d: 4 rows of 4, read with zeros outside the image.
        let d0: v128, d1: v128, d2: v128, d3: v128;
        if (inside && x0 >= 0 && x0 + 4 <= W) {
          const p = plane + (<usize>(y0 * W + x0) << 2);
          const row = <usize>W << 2;
          d0 = v128.load(p); d1 = v128.load(p + row); d2 = v128.load(p + 2 * row); d3 = v128.load(p + 3 * row);
        } else {
          d0 = patchRow(plane, H, W, y0, x0);
          d1 = patchRow(plane, H, W, y0 + 1, x0);
          d2 = patchRow(plane, H, W, y0 + 2, x0);
          d3 = patchRow(plane, H, W, y0 + 3, x0);
        }
        // Rows: B^T d.
        const r0 = f32x4.sub(d0, d2), r1 = f32x4.add(d1, d2), r2 = f32x4.sub(d2, d1), r3 = f32x4.sub(d1, d3);
        storeRow(out, xiStride, 0, r0);
        storeRow(out, xiStride, 4, r1);
        storeRow(out, xiStride, 8, r2);
        storeRow(out, xiStride, 12, r3);
        out += 4;
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function patchRow(plane: usize, H: i32, W: i32, y: i32, x0: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, pixel(plane, H, W, y, x0));
  v = f32x4.replace_lane(v, 1, pixel(plane, H, W, y, x0 + 1));
  v = f32x4.replace_lane(v, 2, pixel(plane, H, W, y, x0 + 2));
  v = f32x4.replace_lane(v, 3, pixel(plane, H, W, y, x0 + 3));
  return v;
}

/** Stores (row · B) of one transformed row as V[first..first+3] of this tile. */
// @ts-ignore: decorator
@inline
function storeRow(out: usize, xiStride: usize, first: i32, r: v128): void {
  const a = f32x4.extract_lane(r, 0), b = f32x4.extract_lane(r, 1), c = f32x4.extract_lane(r, 2), d = f32x4.extract_lane(r, 3);
  const at = out + <usize>first * xiStride;
  store<f32>(at, a - c);
  store<f32>(at + xiStride, b + c);
  store<f32>(at + 2 * xiStride, c - b);
  store<f32>(at + 3 * xiStride, b - d);
}

/** Output transform of the filters claimed: the 2×2 block A^T m A of each tile, plus bias, clamped, clipped to the image. */
export function winogradOutputJob(job: WinogradJob, tid: i32): void {
  const T = job.tilesH * job.tilesW, outH = job.outH, outW = job.outW;
  const xiStride = job.xiStride;
  while (true) {
    const m = atomic.add<i32>(changetype<usize>(job), 1);
    if (m >= job.tiles) break;
    const b: f32 = job.bias != 0 ? load<f32>(job.bias + (<usize>m << 2)) : 0;
    let src = job.x + (<usize>(m * T) << 2);
    const plane = job.y + (<usize>(m * outH * outW) << 2);
    for (let ty = 0; ty < job.tilesH; ty++) {
      for (let tx = 0; tx < job.tilesW; tx++) {
        // Rows of m: A^T m (2×4), then columns: (·) A (2×2).
        let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0, e0: f32 = 0, e1: f32 = 0, e2: f32 = 0, e3: f32 = 0;
        for (let q = 0; q < 4; q++) {
          const v0 = load<f32>(src + <usize>q * xiStride);
          const v1 = load<f32>(src + <usize>(4 + q) * xiStride);
          const v2 = load<f32>(src + <usize>(8 + q) * xiStride);
          const v3 = load<f32>(src + <usize>(12 + q) * xiStride);
          const top = v0 + v1 + v2, bottom = v1 - v2 - v3;
          if (q == 0) { s0 = top; e0 = bottom; } else if (q == 1) { s1 = top; e1 = bottom; } else if (q == 2) { s2 = top; e2 = bottom; } else { s3 = top; e3 = bottom; }
        }
        const oy = ty * 2, ox = tx * 2;
        const row = plane + (<usize>(oy * outW + ox) << 2);
        store<f32>(row, clampTo(s0 + s1 + s2 + b, job.lo, job.hi));
        if (ox + 1 < outW) store<f32>(row, clampTo(s1 - s2 - s3 + b, job.lo, job.hi), 4);
        if (oy + 1 < outH) {
          const next = row + (<usize>outW << 2);
          store<f32>(next, clampTo(e0 + e1 + e2 + b, job.lo, job.hi));
          if (ox + 1 < outW) store<f32>(next, clampTo(e1 - e2 - e3 + b, job.lo, job.hi), 4);
        }
        src += 4;
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function clampTo(v: f32, lo: f32, hi: f32): f32 {
  return min(max(v, lo), hi);
}
