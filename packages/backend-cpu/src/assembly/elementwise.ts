// Elementwise kernels over contiguous float32 arrays; SIMD on blocks of 4 with a scalar tail.
import { clamp4 } from './simd';

/** y = clamp(x, lo, hi): Relu, Clip. */
export function clamp(x: usize, y: usize, n: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(y + at, clamp4(v128.load(x + at), vlo, vhi));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, min(max(load<f32>(x + at), lo), hi));
  }
}

// @ts-ignore: decorator
@inline
function apply4(op: i32, a: v128, b: v128): v128 {
  if (op == 0) return f32x4.add(a, b);
  if (op == 1) return f32x4.sub(a, b);
  if (op == 2) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

// @ts-ignore: decorator
@inline
function apply1(op: i32, a: f32, b: f32): f32 {
  if (op == 0) return a + b;
  if (op == 1) return a - b;
  if (op == 2) return a * b;
  return a / b;
}

/**
 * y[i] = a[i] op b[i], with op 0 add, 1 sub, 2 mul, 3 div. A stride of 0 repeats that operand's first element
 * (a scalar side); otherwise both advance one element per step.
 */
export function binary(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, y: usize, n: i32): void {
  let i = 0;
  if (aStep == 1 && bStep == 1) {
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      v128.store(y + at, apply4(op, v128.load(a + at), v128.load(b + at)));
    }
  } else if (aStep == 1) {
    const vb = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      v128.store(y + at, apply4(op, v128.load(a + at), vb));
    }
  } else if (bStep == 1) {
    const va = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      v128.store(y + at, apply4(op, va, v128.load(b + at)));
    }
  }
  for (; i < n; i++) {
    store<f32>(y + (<usize>i << 2), apply1(op, load<f32>(a + (<usize>(i * aStep) << 2)), load<f32>(b + (<usize>(i * bStep) << 2))));
  }
}

/**
 * y = (x - center[c]) · scale[c] + shift[c] for every channel c of planes [N][C][size], then clamped:
 * BatchNormalization in inference. A zero center, scale or shift address means 0, 1 or 0.
 */
export function channelAffine(x: usize, y: usize, planes: i32, C: i32, size: i32, center: usize, scale: usize, shift: usize, lo: f32, hi: f32, firstChannel: i32): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  for (let p = 0; p < planes; p++) {
    const c = (p + firstChannel) % C;
    const s: f32 = scale != 0 ? load<f32>(scale + (<usize>c << 2)) : 1;
    const t: f32 = shift != 0 ? load<f32>(shift + (<usize>c << 2)) : 0;
    const m: f32 = center != 0 ? load<f32>(center + (<usize>c << 2)) : 0;
    const vs = f32x4.splat(s), vt = f32x4.splat(t), vm = f32x4.splat(m);
    const base = <usize>p * <usize>size << 2;
    const xp = x + base, yp = y + base;
    let i = 0;
    for (; i + 4 <= size; i += 4) {
      const at = <usize>i << 2;
      v128.store(yp + at, clamp4(f32x4.add(f32x4.mul(f32x4.sub(v128.load(xp + at), vm), vs), vt), vlo, vhi));
    }
    for (; i < size; i++) {
      const at = <usize>i << 2;
      store<f32>(yp + at, min(max((load<f32>(xp + at) - m) * s + t, lo), hi));
    }
  }
}

/** y[p][i] = x[p][i] op v[p % C] per plane p of `size` elements (the operand broadcast per channel). */
export function channelBinary(op: i32, x: usize, v: usize, y: usize, planes: i32, C: i32, size: i32, operandFirst: bool, firstChannel: i32): void {
  for (let p = 0; p < planes; p++) {
    const base = <usize>p * <usize>size << 2;
    const at = v + (<usize>((p + firstChannel) % C) << 2);
    if (operandFirst) binary(op, at, 0, x + base, 1, y + base, size);
    else binary(op, x + base, 1, at, 0, y + base, size);
  }
}

/** Softmax of each row of `cols` elements: exp(x - max) / Σ, in float32 with the sum kept in float64. */
export function softmaxRows(x: usize, y: usize, rows: i32, cols: i32, logarithm: bool): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>r * <usize>cols << 2), yr = y + (<usize>r * <usize>cols << 2);
    let m: f32 = -Infinity;
    for (let i = 0; i < cols; i++) m = max(m, load<f32>(xr + (<usize>i << 2)));
    let sum: f64 = 0;
    for (let i = 0; i < cols; i++) {
      const e = Math.exp(<f64>(load<f32>(xr + (<usize>i << 2)) - m));
      if (!logarithm) store<f32>(yr + (<usize>i << 2), <f32>e);
      sum += e;
    }
    if (logarithm) {
      const ls = Math.log(sum);
      for (let i = 0; i < cols; i++) store<f32>(yr + (<usize>i << 2), <f32>(<f64>(load<f32>(xr + (<usize>i << 2)) - m) - ls));
    } else {
      const inv = 1 / sum;
      for (let i = 0; i < cols; i++) store<f32>(yr + (<usize>i << 2), <f32>(<f64>load<f32>(yr + (<usize>i << 2)) * inv));
    }
  }
}

/**
 * LRN across channels: y = x / (bias + alpha/size · Σ x²)^beta over channels [c - below, c + above]. Vectorized over
 * positions; beta 0.75 (the common value) uses two square roots instead of a power.
 */
export function lrn(x: usize, y: usize, batch: i32, C: i32, size: i32, window: i32, alpha: f32, beta: f32, bias: f32): void {
  const below = (window - 1) / 2;
  const above = window - 1 - below;
  const scale = alpha / <f32>window;
  const vscale = f32x4.splat(scale), vbias = f32x4.splat(bias);
  const fast = beta == 0.75;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < C; c++) {
      const first = max(0, c - below), last = min(C - 1, c + above);
      const at = <usize>(n * C + c) * <usize>size << 2;
      let i = 0;
      if (fast) {
        for (; i + 4 <= size; i += 4) {
          let sq = f32x4.splat(0);
          for (let k = first; k <= last; k++) {
            const v = v128.load(x + (<usize>(n * C + k) * <usize>size << 2) + (<usize>i << 2));
            sq = f32x4.add(sq, f32x4.mul(v, v));
          }
          const d = f32x4.add(vbias, f32x4.mul(vscale, sq));
          const r = f32x4.sqrt(d);
          const at4 = at + (<usize>i << 2);
          v128.store(y + at4, f32x4.div(v128.load(x + at4), f32x4.mul(r, f32x4.sqrt(r))));
        }
      }
      for (; i < size; i++) {
        let sq: f32 = 0;
        for (let k = first; k <= last; k++) {
          const v = load<f32>(x + (<usize>(n * C + k) * <usize>size << 2) + (<usize>i << 2));
          sq += v * v;
        }
        const at1 = at + (<usize>i << 2);
        store<f32>(y + at1, load<f32>(x + at1) / Mathf.pow(bias + scale * sq, beta));
      }
    }
  }
}

@unmanaged
export class GemvJob {
  counter: i32;
  tiles: i32;
  M: i32;
  N: i32;
  K: i32;
  a: usize; // [M][K]
  w: usize; // [N][K]
  y: usize; // [M][N], holding the initial value (bias) on entry
  rowsPerTile: i32;
}

/** y[m][n] += Σ_k a[m][k] · w[n][k], for few rows m; tiles split n. Reads each weight once per row of a. */
export function gemvJob(job: GemvJob, tid: i32): void {
  const K = job.K;
  const kBytes = <usize>K << 2;
  while (true) {
    const t = atomic.add<i32>(changetype<usize>(job), 1);
    if (t >= job.tiles) break;
    const n0 = t * job.rowsPerTile;
    const n1 = min(job.N, n0 + job.rowsPerTile);
    for (let m = 0; m < job.M; m++) {
      const a = job.a + <usize>m * kBytes;
      const y = job.y + (<usize>(m * job.N) << 2);
      let n = n0;
      for (; n + 4 <= n1; n += 4) {
        const w0 = job.w + <usize>n * kBytes;
        let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
        let k = 0;
        for (; k + 4 <= K; k += 4) {
          const at = <usize>k << 2;
          const av = v128.load(a + at);
          s0 = f32x4.add(s0, f32x4.mul(av, v128.load(w0 + at)));
          s1 = f32x4.add(s1, f32x4.mul(av, v128.load(w0 + kBytes + at)));
          s2 = f32x4.add(s2, f32x4.mul(av, v128.load(w0 + 2 * kBytes + at)));
          s3 = f32x4.add(s3, f32x4.mul(av, v128.load(w0 + 3 * kBytes + at)));
        }
        let r0 = hsum(s0), r1 = hsum(s1), r2 = hsum(s2), r3 = hsum(s3);
        for (; k < K; k++) {
          const av = load<f32>(a + (<usize>k << 2));
          r0 += av * load<f32>(w0 + (<usize>k << 2));
          r1 += av * load<f32>(w0 + kBytes + (<usize>k << 2));
          r2 += av * load<f32>(w0 + 2 * kBytes + (<usize>k << 2));
          r3 += av * load<f32>(w0 + 3 * kBytes + (<usize>k << 2));
        }
        const yn = y + (<usize>n << 2);
        store<f32>(yn, load<f32>(yn) + r0);
        store<f32>(yn, load<f32>(yn, 4) + r1, 4);
        store<f32>(yn, load<f32>(yn, 8) + r2, 8);
        store<f32>(yn, load<f32>(yn, 12) + r3, 12);
      }
      for (; n < n1; n++) {
        const wn = job.w + <usize>n * kBytes;
        let s = f32x4.splat(0);
        let k = 0;
        for (; k + 4 <= K; k += 4) s = f32x4.add(s, f32x4.mul(v128.load(a + (<usize>k << 2)), v128.load(wn + (<usize>k << 2))));
        let r = hsum(s);
        for (; k < K; k++) r += load<f32>(a + (<usize>k << 2)) * load<f32>(wn + (<usize>k << 2));
        const yn = y + (<usize>n << 2);
        store<f32>(yn, load<f32>(yn) + r);
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** An elementwise operation split into tiles for the thread pool. */
@unmanaged
export class ElementwiseJob {
  counter: i32;
  tiles: i32;
  kind: i32; // 0 clamp, 1 binary, 2 channelAffine, 3 channelBinary
  op: i32; // binary op code; channelBinary: op | (operandFirst ? 4 : 0)
  x: usize;
  y: usize;
  b: usize; // binary: second operand; channel kinds: per-channel operand (channelAffine: center)
  n: i32; // elements (clamp, binary) or planes (channel kinds)
  chunk: i32; // elements or planes per tile
  aStep: i32;
  bStep: i32;
  C: i32;
  size: i32; // elements per plane
  scale: usize;
  shift: usize;
  lo: f32;
  hi: f32;
}

export function elementwiseJob(job: ElementwiseJob, tid: i32): void {
  while (true) {
    const t = atomic.add<i32>(changetype<usize>(job), 1);
    if (t >= job.tiles) break;
    const first = t * job.chunk;
    const count = min(job.chunk, job.n - first);
    if (job.kind == 0) {
      clamp(job.x + (<usize>first << 2), job.y + (<usize>first << 2), count, job.lo, job.hi);
    } else if (job.kind == 1) {
      binary(job.op, job.x + (<usize>(first * job.aStep) << 2), job.aStep, job.b + (<usize>(first * job.bStep) << 2), job.bStep, job.y + (<usize>first << 2), count);
    } else {
      // Channel kinds: tiles are runs of whole planes; plane p has channel p % C.
      const offset = <usize>first * <usize>job.size << 2;
      if (job.kind == 2) {
        channelAffine(job.x + offset, job.y + offset, count, job.C, job.size, job.b, job.scale, job.shift, job.lo, job.hi, first % job.C);
      } else {
        channelBinary(job.op & 3, job.x + offset, job.b, job.y + offset, count, job.C, job.size, (job.op & 4) != 0, first % job.C);
      }
    }
  }
}
