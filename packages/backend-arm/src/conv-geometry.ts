/**
 * Geometry of the 1-D and 2-D convolutions the integer kernels run (a 1-D one is a 2-D one of height 1). Anything
 * else — other ranks, inconsistent shapes or attributes — gives undefined, and the kernel hands the node to the
 * reference implementation, which reports the precise error. The window itself is placed as backend-cpu places it.
 */
import { planeGeometry } from '@onnx-ts/backend-cpu';

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

const positive = (v: number): boolean => Number.isInteger(v) && v >= 1;

export function conv2dGeometry(xDims: readonly number[], wDims: readonly number[], a: ConvAttributes): Conv2d | undefined {
  const rank = xDims.length;
  if ((rank !== 3 && rank !== 4) || wDims.length !== rank) return undefined;
  const [batch, inChannels] = xDims;
  const [outChannels, groupChannels] = wDims;
  const group = a.group;
  if (!positive(group) || inChannels % group !== 0 || outChannels % group !== 0 || groupChannels * group !== inChannels) return undefined;
  const kernel = wDims.slice(2);
  // An absent list attribute may arrive as undefined or as an empty list, depending on the wrapped kernel's schema.
  const given = (v: number[] | undefined): number[] | undefined => (v && v.length ? v : undefined);
  if (given(a.kernel_shape) && a.kernel_shape!.join() !== kernel.join()) return undefined;
  if (xDims.some((d) => d < 1)) return undefined;
  const p = planeGeometry(xDims.slice(2), kernel, { auto_pad: a.auto_pad, pads: given(a.pads), strides: given(a.strides), dilations: given(a.dilations) });
  if (!p) return undefined;
  return {
    batch, inChannels, outChannels, group, h: p.H, w: p.W, kh: p.kh, kw: p.kw, sh: p.sh, sw: p.sw, dh: p.dh, dw: p.dw,
    padTop: p.ph, padLeft: p.pw, oh: p.outH, ow: p.outW,
    outDims: rank === 4 ? [batch, outChannels, p.outH, p.outW] : [batch, outChannels, p.outW],
  };
}
