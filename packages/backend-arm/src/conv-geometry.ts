/**
 * Geometry of the 1-D and 2-D convolutions the integer kernels run (a 1-D one is a 2-D one of height 1). Anything
 * else — other ranks, inconsistent shapes or attributes — gives undefined, and the kernel hands the node to the
 * reference implementation, which reports the precise error. The window itself is placed by cpu-ref's rules.
 */
import { placeWindow } from '@onnx-ts/backend-cpu-ref';

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
  const w = placeWindow(xDims.slice(2), kernel, { auto_pad: a.auto_pad, pads: given(a.pads), strides: given(a.strides), dilations: given(a.dilations) });
  if (!w || w.grid.some((o) => o < 1)) return undefined;
  // The 1-D case is 2-D with a unit height.
  const at = (values: readonly number[], d: number, missing: number): number => (rank === 4 ? values[d] : d === 0 ? missing : values[0]);
  const [oh, ow] = [at(w.grid, 0, 1), at(w.grid, 1, 1)];
  return {
    batch, inChannels, outChannels, group, h: at(w.image, 0, 1), w: at(w.image, 1, 1), kh: at(kernel, 0, 1), kw: at(kernel, 1, 1),
    sh: at(w.strides, 0, 1), sw: at(w.strides, 1, 1), dh: at(w.dilations, 0, 1), dw: at(w.dilations, 1, 1),
    padTop: at(w.padBegin, 0, 0), padLeft: at(w.padBegin, 1, 0), oh, ow,
    outDims: rank === 4 ? [batch, outChannels, oh, ow] : [batch, outChannels, ow],
  };
}
