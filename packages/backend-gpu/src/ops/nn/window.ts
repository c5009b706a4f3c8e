/**
 * Where a convolution or pooling window sits, per the ONNX rules: explicit pads, or auto_pad SAME_UPPER/SAME_LOWER
 * (output ceil(in/stride), the odd padding at the end or the beginning) or VALID; with ceil_mode the output rounds up
 * but no window may start in the end padding. Undefined for attributes that do not describe a window.
 */

export interface WindowAttrs {
  auto_pad: string;
  pads?: number[];
  strides?: number[];
  dilations?: number[];
}

export interface Window {
  image: number[];
  grid: number[];
  kernel: number[];
  strides: number[];
  dilations: number[];
  padBegin: number[];
  padEnd: number[];
}

function perAxis(values: readonly number[] | undefined, rank: number): number[] | undefined {
  if (values === undefined) return new Array<number>(rank).fill(1);
  return values.length === rank && values.every((v) => Number.isInteger(v) && v >= 1) ? [...values] : undefined;
}

export function placeWindow(image: readonly number[], kernel: readonly number[], a: WindowAttrs, ceilMode = false): Window | undefined {
  const rank = image.length;
  const strides = perAxis(a.strides, rank);
  const dilations = perAxis(a.dilations, rank);
  if (!strides || !dilations || kernel.length !== rank || kernel.some((k) => !(k >= 1))) return undefined;
  const extent = kernel.map((k, d) => (k - 1) * dilations[d] + 1);
  let padBegin: number[];
  let padEnd: number[];
  if (a.auto_pad === 'NOTSET' || a.auto_pad === '') {
    const pads = a.pads ?? new Array<number>(2 * rank).fill(0);
    if (pads.length !== 2 * rank || pads.some((p) => p < 0)) return undefined;
    padBegin = pads.slice(0, rank);
    padEnd = pads.slice(rank);
  } else if (a.auto_pad === 'VALID') {
    padBegin = new Array<number>(rank).fill(0);
    padEnd = new Array<number>(rank).fill(0);
  } else if (a.auto_pad === 'SAME_UPPER' || a.auto_pad === 'SAME_LOWER') {
    const total = image.map((n, d) => Math.max(0, (Math.ceil(n / strides[d]) - 1) * strides[d] + extent[d] - n));
    const small = total.map((t) => Math.floor(t / 2));
    padBegin = a.auto_pad === 'SAME_UPPER' ? small : total.map((t, d) => t - small[d]);
    padEnd = total.map((t, d) => t - padBegin[d]);
  } else {
    return undefined;
  }
  const grid: number[] = [];
  for (let d = 0; d < rank; d++) {
    const span = image[d] + padBegin[d] + padEnd[d] - extent[d];
    if (span < 0) return undefined;
    let out = Math.floor(span / strides[d]) + 1;
    if (ceilMode && (a.auto_pad === 'NOTSET' || a.auto_pad === '')) {
      out = Math.ceil(span / strides[d]) + 1;
      if ((out - 1) * strides[d] >= image[d] + padBegin[d]) out--;
    }
    grid.push(out);
  }
  return { image: [...image], grid, kernel: [...kernel], strides, dilations, padBegin, padEnd };
}

/** A 1-D window as a 2-D one of height 1, so the 2-D kernels serve both. */
export function as2d(w: Window): Window {
  if (w.image.length === 2) return w;
  return {
    image: [1, w.image[0]], grid: [1, w.grid[0]], kernel: [1, w.kernel[0]], strides: [1, w.strides[0]],
    dilations: [1, w.dilations[0]], padBegin: [0, w.padBegin[0]], padEnd: [0, w.padEnd[0]],
  };
}
