// Data movement between layouts.

/**
 * Writes `dst` in order from `src` read with an odometer over `depth` axes: at `shape`, int32 sizes [depth], then
 * element strides into src [depth], then room for the odometer's counters [depth]. The last axis is copied as one run
 * (memory.copy) when its stride is 1, else element by element.
 */
export function permute(dst: usize, src: usize, depth: i32, shape: usize): void {
  const strides = shape + (<usize>depth << 2);
  const index = strides + (<usize>depth << 2);
  const last = <usize>(depth - 1) << 2;
  const inner = load<i32>(shape + last);
  const innerStride = load<i32>(strides + last);
  let total = 1;
  for (let d = 0; d < depth; d++) {
    total *= load<i32>(shape + (<usize>d << 2));
    store<i32>(index + (<usize>d << 2), 0);
  }
  let from = 0;
  for (let at = 0; at < total; at += inner) {
    const out = dst + (<usize>at << 2);
    if (innerStride == 1) {
      memory.copy(out, src + (<usize>from << 2), <usize>inner << 2);
    } else {
      for (let i = 0; i < inner; i++) store<f32>(out + (<usize>i << 2), load<f32>(src + (<usize>(from + i * innerStride) << 2)));
    }
    for (let d = depth - 2; d >= 0; d--) {
      const counter = index + (<usize>d << 2);
      const stride = load<i32>(strides + (<usize>d << 2));
      from += stride;
      const n = load<i32>(counter) + 1;
      if (n < load<i32>(shape + (<usize>d << 2))) {
        store<i32>(counter, n);
        break;
      }
      from -= stride * n;
      store<i32>(counter, 0);
    }
  }
}
