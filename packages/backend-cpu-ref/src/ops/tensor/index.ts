import type { KernelSpec } from '@onnx-ts/core';
import compress from './compress.js';
import concat from './concat.js';
import constantOfShape from './constant-of-shape.js';
import constant from './constant.js';
import depthToSpace from './depth-to-space.js';
import expand from './expand.js';
import eyeLike from './eye-like.js';
import flatten from './flatten.js';
import gatherElements from './gather-elements.js';
import gatherNd from './gather-nd.js';
import gather from './gather.js';
import identity from './identity.js';
import nonZero from './nonzero.js';
import oneHot from './one-hot.js';
import pad from './pad.js';
import range from './range.js';
import reshape from './reshape.js';
import reverseSequence from './reverse-sequence.js';
import scatterElements from './scatter-elements.js';
import scatterNd from './scatter-nd.js';
import shape from './shape.js';
import size from './size.js';
import slice from './slice.js';
import spaceToDepth from './space-to-depth.js';
import split from './split.js';
import squeeze from './squeeze.js';
import tensorScatter from './tensor-scatter.js';
import tile from './tile.js';
import transpose from './transpose.js';
import trilu from './trilu.js';
import unique from './unique.js';
import unsqueeze from './unsqueeze.js';

export const kernels: KernelSpec<any>[] = [
  ...compress, ...concat, ...constant, ...constantOfShape, ...depthToSpace, ...expand, ...eyeLike, ...flatten,
  ...gather, ...gatherElements, ...gatherNd, ...identity, ...nonZero, ...oneHot, ...pad, ...range, ...reshape,
  ...reverseSequence, ...scatterElements, ...scatterNd, ...shape, ...size, ...slice, ...spaceToDepth, ...split,
  ...squeeze, ...tensorScatter, ...tile, ...transpose, ...trilu, ...unique, ...unsqueeze,
];
