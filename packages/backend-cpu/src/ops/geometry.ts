import { placeWindow, type WindowAttrs } from '@onnx-ts/backend-cpu-ref';

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

export type WindowAttributes = WindowAttrs;

export function planeGeometry(spatial: readonly number[], kernel: readonly number[], a: WindowAttributes, ceilMode = false): Plane | undefined {
  const rank = spatial.length;
  if (rank !== 1 && rank !== 2) return undefined;
  const w = placeWindow(spatial, kernel, a, ceilMode);
  if (!w || w.grid.some((o) => o < 1)) return undefined;
  // Axis 0 of a 1-D window is a height-1 row.
  const at = (values: readonly number[], d: number, missing: number): number => (rank === 2 ? values[d] : d === 0 ? missing : values[0]);
  return {
    H: at(w.image, 0, 1), W: at(w.image, 1, 1), kh: at(w.kernel, 0, 1), kw: at(w.kernel, 1, 1),
    sh: at(w.strides, 0, 1), sw: at(w.strides, 1, 1), dh: at(w.dilations, 0, 1), dw: at(w.dilations, 1, 1),
    ph: at(w.padBegin, 0, 0), pw: at(w.padBegin, 1, 0), phEnd: at(w.padEnd, 0, 0), pwEnd: at(w.padEnd, 1, 0),
    outH: at(w.grid, 0, 1), outW: at(w.grid, 1, 1),
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
