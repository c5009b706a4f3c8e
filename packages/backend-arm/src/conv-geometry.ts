/**
 * Geometry of the 1-D and 2-D convolutions the integer kernels run (a 1-D one is a 2-D one of height 1). Anything
 * else — other ranks, inconsistent shapes or attributes — gives undefined, and the kernel hands the node to the
 * reference implementation, which reports the precise error.
 */

export interface ConvAttributes {
  auto_pad: string;
  dilations?: number[];
  group: number;
  kernel_shape?: number[];
  pads?: number[];
  strides?: number[];
}

export interface Conv2d {
  batch: number;
  inChannels: number;
  outChannels: number;
  group: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padTop: number;
  padLeft: number;
  oh: number;
  ow: number;
  /** Output dims: [N, M, oh, ow] or [N, M, ow] for a 1-D convolution. */
  outDims: number[];
}

/** Output length and leading padding along one axis, or undefined when the attributes make no sense. */
function axisGeometry(size: number, kernel: number, stride: number, dilation: number, autoPad: string, begin: number, end: number): [number, number] | undefined {
  const span = (kernel - 1) * dilation + 1;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const out = Math.ceil(size / stride);
    const total = Math.max(0, (out - 1) * stride + span - size);
    const lead = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
    return [out, lead];
  }
  if (autoPad === 'VALID') begin = end = 0;
  else if (autoPad !== 'NOTSET') return undefined;
  const out = Math.floor((size + begin + end - span) / stride) + 1;
  return out >= 1 ? [out, begin] : undefined;
}

const positive = (v: number): boolean => Number.isInteger(v) && v >= 1;

export function conv2dGeometry(xDims: readonly number[], wDims: readonly number[], a: ConvAttributes): Conv2d | undefined {
  const rank = xDims.length;
  if ((rank !== 3 && rank !== 4) || wDims.length !== rank) return undefined;
  const spatial = rank - 2;
  const [batch, inChannels] = xDims;
  const [outChannels, groupChannels] = wDims;
  const group = a.group;
  if (!positive(group) || inChannels % group !== 0 || outChannels % group !== 0 || groupChannels * group !== inChannels) return undefined;
  const kernel = wDims.slice(2);
  // An absent list attribute may arrive as undefined or as an empty list, depending on the wrapped kernel's schema.
  const given = (v: number[] | undefined): number[] | undefined => (v && v.length ? v : undefined);
  if (given(a.kernel_shape) && a.kernel_shape!.join() !== kernel.join()) return undefined;
  const strides = given(a.strides) ?? new Array(spatial).fill(1);
  const dilations = given(a.dilations) ?? new Array(spatial).fill(1);
  const pads = given(a.pads) ?? new Array(2 * spatial).fill(0);
  if (strides.length !== spatial || dilations.length !== spatial || pads.length !== 2 * spatial) return undefined;
  if (![...strides, ...dilations, ...kernel].every(positive) || pads.some((p) => !Number.isInteger(p) || p < 0)) return undefined;
  if (xDims.some((d) => d < 1)) return undefined;
  // Pad the 1-D case to 2-D with a unit height.
  const image = rank === 4 ? xDims.slice(2) : [1, xDims[2]];
  const k = rank === 4 ? kernel : [1, kernel[0]];
  const s = rank === 4 ? strides : [1, strides[0]];
  const d = rank === 4 ? dilations : [1, dilations[0]];
  const begins = rank === 4 ? [pads[0], pads[1]] : [0, pads[0]];
  const ends = rank === 4 ? [pads[2], pads[3]] : [0, pads[1]];
  const rows = axisGeometry(image[0], k[0], s[0], d[0], a.auto_pad, begins[0], ends[0]);
  const cols = axisGeometry(image[1], k[1], s[1], d[1], a.auto_pad, begins[1], ends[1]);
  if (!rows || !cols) return undefined;
  const [oh, padTop] = rows;
  const [ow, padLeft] = cols;
  return {
    batch, inChannels, outChannels, group, h: image[0], w: image[1], kh: k[0], kw: k[1], sh: s[0], sw: s[1], dh: d[0], dw: d[1],
    padTop, padLeft, oh, ow,
    outDims: rank === 4 ? [batch, outChannels, oh, ow] : [batch, outChannels, ow],
  };
}
