/** Shape functions of neural-network ops: convolution, pooling, matrix products, normalization, quantization, RNNs. */
import {
  attr, broadcastDims, dtypeFromCode, isStatic, type DType, type Dim, type ShapeContext, type ShapeFunction, type ValueFacts,
} from '@onnx-ts/core';
import { slidingWindow, type WindowAttrs } from '../ops/nn/window.js';
import { attention, linearAttention } from './attention.js';
import { each, same } from './common.js';

const windowAttrs = {
  auto_pad: attr.string('NOTSET'), pads: attr.ints(), strides: attr.ints(), dilations: attr.ints(),
  kernel_shape: attr.ints(), ceil_mode: attr.int(0),
};

/**
 * Output spatial dims of a sliding window, axis by axis with the kernels' own geometry, so a known axis is
 * computed even when another is symbolic; null where the input dim is unknown or the window does not fit.
 */
function windowDims(op: string, spatial: Dim[], kernel: number[], a: WindowAttrs, ceil: boolean): Dim[] {
  const n = kernel.length;
  if (spatial.length !== n) return spatial.map(() => null);
  return spatial.map((d, i) => {
    if (typeof d !== 'number') return null;
    const pick = (values: number[] | undefined, ...at: number[]): number[] | undefined => values && at.map((j) => values[j]);
    const axis: WindowAttrs = { auto_pad: a.auto_pad, pads: pick(a.pads, i, i + n), strides: pick(a.strides, i), dilations: pick(a.dilations, i) };
    try {
      return slidingWindow(op, [d], [kernel[i]], axis, ceil).grid[0];
    } catch {
      return null;
    }
  });
}

/** Conv-like ops: X [N, C, spatial...] and weights [M, C/group, kernel...] give [N, M, spatial out...]. */
function convFacts(c: ShapeContext, type: DType | undefined, weights: number): ValueFacts[] {
  const x = c.input(0).shape;
  const w = c.input(weights).shape;
  if (!x || x.length < 3) return [{ type }];
  const a = c.attrs(windowAttrs);
  const fromWeights = w?.slice(2);
  const kernel = a.kernel_shape ?? (isStatic(fromWeights) ? fromWeights : undefined);
  const spatial = kernel ? windowDims(c.node.opType, x.slice(2), kernel, a, false) : x.slice(2).map(() => null);
  return [{ type, shape: [x[0], w?.[0] ?? null, ...spatial] }];
}

function poolFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  if (!x.shape || x.shape.length < 3) return [{ type: x.type }, { type: 'int64' }];
  const a = c.attrs(windowAttrs);
  const spatial = a.kernel_shape
    ? windowDims(c.node.opType, x.shape.slice(2), a.kernel_shape, a, a.ceil_mode !== 0)
    : x.shape.slice(2).map(() => null);
  const shape = [x.shape[0], x.shape[1], ...spatial];
  return [{ type: x.type, shape }, { type: 'int64', shape }];
}

const globalPool: ShapeFunction = (c) => [{ type: c.input(0).type, shape: c.input(0).shape?.map((d, i) => (i < 2 ? d : 1)) }];

function matmulShape(a: Dim[] | undefined, b: Dim[] | undefined): Dim[] | undefined {
  if (!a || !b || a.length === 0 || b.length === 0) return undefined;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcastDims([a2.slice(0, -2), b2.slice(0, -2)]);
  if (!batch) return undefined;
  const out = [...batch, a2[a2.length - 2], b2[b2.length - 1]];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.pop();
  return out;
}

function matmulOf(left: number, right: number, type: (c: ShapeContext) => DType | undefined): ShapeFunction {
  return (c) => [{ type: type(c), shape: matmulShape(c.input(left).shape, c.input(right).shape) }];
}

const gemm: ShapeFunction = (c) => {
  const a = c.input(0).shape;
  const b = c.input(1).shape;
  const { transA, transB } = c.attrs({ transA: attr.int(0), transB: attr.int(0) });
  const m = a?.length === 2 ? a[transA ? 1 : 0] : null;
  const n = b?.length === 2 ? b[transB ? 0 : 1] : null;
  return [{ type: c.input(0).type, shape: [m, n] }];
};

function quantizedType(c: ShapeContext, zeroPointInput: number): DType | undefined {
  if (c.present(zeroPointInput)) return c.input(zeroPointInput).type;
  if (c.opset >= 21) {
    const code = c.attrs({ output_dtype: attr.int(0) }).output_dtype;
    if (code) return dtypeFromCode(code);
  }
  return 'uint8';
}

/** RNN, GRU, LSTM: Y [seq, directions, batch, hidden] and the last states [directions, batch, hidden]. */
const recurrent: ShapeFunction = (c) => {
  const x = c.input(0);
  const { hidden_size: hidden, direction, layout } = c.attrs({ hidden_size: attr.int(), direction: attr.string('forward'), layout: attr.int(0) });
  const directions = direction === 'bidirectional' ? 2 : 1;
  const h: Dim = hidden ?? null;
  const [seq, batch] = x.shape?.length === 3 ? (layout ? [x.shape[1], x.shape[0]] : [x.shape[0], x.shape[1]]) : [null, null];
  const y = layout ? [batch, seq, directions, h] : [seq, directions, batch, h];
  const state = layout ? [batch, directions, h] : [directions, batch, h];
  return [{ type: x.type, shape: y }, { type: x.type, shape: state }, { type: x.type, shape: state }];
};

/**
 * ConvTranspose: output_shape when given, input × stride with SAME_* padding, else the natural size
 * stride·(in - 1) + output_padding + dilated kernel - pads.
 */
const convTranspose: ShapeFunction = (c) => {
  const x = c.input(0);
  const w = c.input(1).shape;
  if (!x.shape || x.shape.length < 3 || !w) return [{ type: x.type }];
  const a = c.attrs({ ...windowAttrs, output_padding: attr.ints(), output_shape: attr.ints(), group: attr.int(1) });
  const spatial = x.shape.slice(2);
  const n = spatial.length;
  const fromWeights = w.slice(2);
  const kernel = a.kernel_shape ?? (isStatic(fromWeights) ? fromWeights : undefined);
  const channels = typeof w[1] === 'number' ? w[1] * a.group : null;
  const out = spatial.map((d, i): Dim => {
    if (a.output_shape) return a.output_shape.length === n ? a.output_shape[i] : null;
    if (typeof d !== 'number' || !kernel) return null;
    const stride = a.strides?.[i] ?? 1;
    if (a.auto_pad === 'SAME_UPPER' || a.auto_pad === 'SAME_LOWER') return d * stride;
    const pads = a.auto_pad === 'VALID' ? 0 : (a.pads?.[i] ?? 0) + (a.pads?.[i + n] ?? 0);
    const extent = (kernel[i] - 1) * (a.dilations?.[i] ?? 1) + 1;
    return stride * (d - 1) + (a.output_padding?.[i] ?? 0) + extent - pads;
  });
  return [{ type: x.type, shape: [x.shape[0], channels, ...out] }];
};

/** NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: per-element loss with reduction 'none', else a scalar. */
const loss: ShapeFunction = (c) => {
  const { reduction } = c.attrs({ reduction: attr.string('mean') });
  const type = c.input(0).type;
  return [{ type, shape: reduction === 'none' ? c.input(1).shape : [] }, { type, shape: c.input(0).shape }];
};

const NORMALIZING = [
  'Softmax', 'LogSoftmax', 'Hardmax', 'LRN', 'InstanceNormalization', 'MeanVarianceNormalization', 'LpNormalization',
  'GroupNormalization', 'BatchNormalization', 'LayerNormalization', 'RMSNormalization',
];

/** MaxUnpool: output_shape when given, else stride·(in - 1) + kernel - pads per spatial axis. */
const maxUnpool: ShapeFunction = (c) => {
  const x = c.input(0);
  if (c.present(2)) return [{ type: x.type, shape: c.ints(2) }];
  if (!x.shape || x.shape.length < 3) return [{ type: x.type }];
  const a = c.attrs({ kernel_shape: attr.ints.required(), pads: attr.ints(), strides: attr.ints() });
  const n = a.kernel_shape.length;
  const spatial = x.shape.slice(2).map((d, i): Dim => {
    if (typeof d !== 'number') return null;
    return (a.strides?.[i] ?? 1) * (d - 1) + a.kernel_shape[i] - (a.pads?.[i] ?? 0) - (a.pads?.[i + n] ?? 0);
  });
  return [{ type: x.type, shape: [x.shape[0], x.shape[1], ...spatial] }];
};

/** Col2Im: columns [N, C·block size, L] back into images [N, C, image dims...]. */
const col2Im: ShapeFunction = (c) => {
  const x = c.input(0);
  const image = c.ints(1);
  const block = c.ints(2);
  if (!image) return [{ type: x.type }];
  const perBlock = block?.reduce((p, b) => p * b, 1);
  const columns = x.shape?.[1];
  const channels = typeof columns === 'number' && perBlock ? columns / perBlock : null;
  return [{ type: x.type, shape: [x.shape?.[0] ?? null, Number.isInteger(channels) ? channels : null, ...image] }];
};

export const nnShapes: Record<string, ShapeFunction> = {
  Attention: attention,
  LinearAttention: linearAttention,
  // Depthwise causal convolution: Y keeps the input's shape, the state keeps the last kernel - 1 steps.
  CausalConvWithState: (c) => {
    const x = c.input(0);
    const kernel = c.input(1).shape?.[2];
    const carry = typeof kernel === 'number' ? kernel - 1 : null;
    return [{ type: x.type, shape: x.shape }, { type: x.type, shape: x.shape?.length === 3 ? [x.shape[0], x.shape[1], carry] : undefined }];
  },
  DeformConv: (c) => convFacts(c, c.input(0).type, 1),
  MaxUnpool: maxUnpool,
  Col2Im: col2Im,
  // Only output 0: the training-mode and statistics outputs are left unknown.
  ...each(NORMALIZING, (c) => [same(c)[0]]),
  Dropout: (c) => [same(c)[0], { type: c.opset >= 10 ? 'bool' : c.input(0).type, shape: c.input(0).shape }],
  Conv: (c) => convFacts(c, c.input(0).type, 1),
  ConvInteger: (c) => convFacts(c, 'int32', 1),
  QLinearConv: (c) => convFacts(c, c.input(7).type, 3),
  ...each(['MaxPool', 'AveragePool', 'LpPool'], poolFacts),
  ...each(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool'], globalPool),
  Gemm: gemm,
  MatMul: matmulOf(0, 1, (c) => c.input(0).type),
  MatMulInteger: matmulOf(0, 1, () => 'int32'),
  QLinearMatMul: matmulOf(0, 3, (c) => c.input(7).type),
  QuantizeLinear: (c) => [{ type: quantizedType(c, 2), shape: c.input(0).shape }],
  DequantizeLinear: (c) => [{ type: c.opset >= 19 ? c.input(1).type : 'float32', shape: c.input(0).shape }],
  DynamicQuantizeLinear: (c) => [{ type: 'uint8', shape: c.input(0).shape }, { type: 'float32', shape: [] }, { type: 'uint8', shape: [] }],
  ...each(['RNN', 'GRU', 'LSTM'], recurrent),
  ConvTranspose: convTranspose,
  ...each(['NegativeLogLikelihoodLoss', 'SoftmaxCrossEntropyLoss'], loss),
  RotaryEmbedding: same,
  NonMaxSuppression: () => [{ type: 'int64', shape: [null, 3] }],
  RoiAlign: (c) => {
    const { output_height: h, output_width: w } = c.attrs({ output_height: attr.int(1), output_width: attr.int(1) });
    return [{ type: c.input(0).type, shape: [c.input(1).shape?.[0] ?? null, c.input(0).shape?.[1] ?? null, h, w] }];
  },
  GridSample: (c) => {
    const x = c.input(0).shape;
    const grid = c.input(1).shape;
    if (!x || !grid) return [{ type: c.input(0).type }];
    return [{ type: c.input(0).type, shape: [x[0], x[1], ...grid.slice(1, -1)] }];
  },
  AffineGrid: (c) => {
    const size = c.ints(1);
    if (!size || size.length < 3) return [{ type: c.input(0).type }];
    return [{ type: c.input(0).type, shape: [size[0], ...size.slice(2), size.length - 2] }];
  },
};
