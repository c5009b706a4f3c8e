/**
 * Placement of a 2-D window (convolution, pooling) as the WebAssembly jobs take it. 1-D inputs run as 2-D with a height
 * of 1. Returns undefined for anything else or for attributes the reference kernel should reject with its own error.
 */
export interface Plane {
  H: number;
  W: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  /** Padding before and after, per axis. */
  ph: number;
  pw: number;
  phEnd: number;
  pwEnd: number;
  outH: number;
  outW: number;
}

export interface WindowAttributes {
  auto_pad: string;
  pads?: number[];
  strides?: number[];
  dilations?: number[];
}

/** Output size along one axis, or -1 when the window does not fit. */
function outputSize(size: number, extent: number, stride: number, before: number, after: number, ceilMode: boolean): number {
  const room = size + before + after - extent;
  if (room < 0) return -1;
  if (!ceilMode) return Math.floor(room / stride) + 1;
  const out = Math.ceil(room / stride) + 1;
  // The last window must start inside the image or its leading padding.
  return (out - 1) * stride >= size + before ? out - 1 : out;
}

export function planeGeometry(spatial: readonly number[], kernel: readonly number[], a: WindowAttributes, ceilMode = false): Plane | undefined {
  const rank = spatial.length;
  if ((rank !== 1 && rank !== 2) || kernel.length !== rank) return undefined;
  const strides = a.strides ?? new Array<number>(rank).fill(1);
  const dilations = a.dilations ?? new Array<number>(rank).fill(1);
  if (strides.length !== rank || dilations.length !== rank) return undefined;
  if ([...strides, ...dilations, ...kernel].some((v) => !Number.isInteger(v) || v < 1)) return undefined;
  const extents = kernel.map((k, d) => (k - 1) * dilations[d] + 1);
  let before: number[];
  let after: number[];
  if (a.auto_pad === 'NOTSET' || a.auto_pad === '') {
    const pads = a.pads ?? new Array<number>(2 * rank).fill(0);
    if (pads.length !== 2 * rank || pads.some((p) => p < 0)) return undefined;
    before = pads.slice(0, rank);
    after = pads.slice(rank);
  } else if (a.auto_pad === 'VALID') {
    before = new Array<number>(rank).fill(0);
    after = [...before];
  } else if (a.auto_pad === 'SAME_UPPER' || a.auto_pad === 'SAME_LOWER') {
    const totals = spatial.map((s, d) => Math.max(0, (Math.ceil(s / strides[d]) - 1) * strides[d] + extents[d] - s));
    const halves = totals.map((t) => Math.floor(t / 2));
    before = a.auto_pad === 'SAME_UPPER' ? halves : totals.map((t, d) => t - halves[d]);
    after = totals.map((t, d) => t - before[d]);
  } else {
    return undefined;
  }
  const explicit = a.auto_pad === 'NOTSET' || a.auto_pad === '';
  const out = spatial.map((s, d) => outputSize(s, extents[d], strides[d], before[d], after[d], ceilMode && explicit));
  if (out.some((o) => o < 1)) return undefined;
  // Axis 0 of a 1-D window is a height-1 row.
  const at = (values: readonly number[], d: number, missing: number): number => (rank === 2 ? values[d] : d === 0 ? missing : values[0]);
  return {
    H: at(spatial, 0, 1), W: at(spatial, 1, 1), kh: at(kernel, 0, 1), kw: at(kernel, 1, 1),
    sh: at(strides, 0, 1), sw: at(strides, 1, 1), dh: at(dilations, 0, 1), dw: at(dilations, 1, 1),
    ph: at(before, 0, 0), pw: at(before, 1, 0), phEnd: at(after, 0, 0), pwEnd: at(after, 1, 0),
    outH: at(out, 0, 1), outW: at(out, 1, 1),
  };
}

/**
 * Rows and columns of a plane copied with its padding (and ceil_mode's overhang) filled in, so that every window reads
 * without bounds checks, with spare columns for vector loads: the last group of four output columns (partly past the
 * row's end) at stride 1 or 2 reads up to 8 floats beyond its windows.
 */
export function paddedPlane(g: Plane): { rows: number; cols: number } {
  const rows = Math.max(g.H + g.ph + g.phEnd, (g.outH - 1) * g.sh + (g.kh - 1) * g.dh + 1);
  const cols = Math.max(g.W + g.pw + g.pwEnd, g.sw * Math.ceil(g.outW / 4) * 4 + (g.kw - 1) * g.dw) + 8;
  return { rows, cols };
}
