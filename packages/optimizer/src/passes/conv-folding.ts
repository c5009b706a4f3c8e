/**
 * Folding per-channel affine ops into the weights before them: Conv + BatchNormalization, Conv + Mul/Div/Add/Sub by
 * a per-channel constant, and BatchNormalization + Mul/Add (pre-activation blocks such as DenseNet's).
 * Arithmetic runs in float64 and is stored back in the weights' type (float32 or float64).
 */
import { Tensor, attr, readAttributes, type Node } from '@onnx-ts/core';
import { removeNodes, replaceValue } from '../graph.js';
import type { Pass, PassContext } from './pass.js';

type FloatType = 'float32' | 'float64';

const isFloat = (t: Tensor | undefined): t is Tensor<FloatType> => t?.type === 'float32' || t?.type === 'float64';

function floatTensor(type: FloatType, values: Float64Array, dims: readonly number[]): Tensor {
  return new Tensor(type, type === 'float32' ? Float32Array.from(values) : values, dims);
}

const toF64 = (t: Tensor): Float64Array => Float64Array.from(t.data as Float32Array | Float64Array);

/**
 * The per-channel values of a constant broadcast against a [N, C, ...] tensor of rank `rank` with `channels`
 * channels, or undefined when the constant varies along another axis (or would grow the result's rank).
 */
export function perChannel(t: Tensor, rank: number, channels: number): Float64Array | undefined {
  if (t.dims.length > rank) return undefined;
  const dims = [...new Array(rank - t.dims.length).fill(1), ...t.dims];
  if (dims.some((d, i) => i !== 1 && d !== 1)) return undefined;
  const c = dims[1] ?? 1;
  if (c !== 1 && c !== channels) return undefined;
  const v = toF64(t);
  return c === channels ? v : new Float64Array(channels).fill(v[0]);
}

interface ConvParts {
  conv: Node;
  w: Tensor<FloatType>;
  b: Float64Array;
}

/** A Conv with constant float weights (and bias, when it has one) whose only reader is `consumer`. */
function foldableConv(ctx: PassContext, value: string, consumer: Node): ConvParts | undefined {
  const conv = ctx.index.producer.get(value);
  if (!conv || conv.opType !== 'Conv' || conv.domain !== 'ai.onnx' || ctx.index.soleConsumer(value) !== consumer) return undefined;
  const w = ctx.index.constant(conv.inputs[1]);
  if (!isFloat(w) || w.dims.length < 3) return undefined;
  const bias = conv.inputs[2] ? ctx.index.constant(conv.inputs[2]) : undefined;
  if (conv.inputs[2] && (!isFloat(bias) || bias.type !== w.type || bias.size !== w.dims[0])) return undefined;
  return { conv, w, b: bias ? toF64(bias) : new Float64Array(w.dims[0]) };
}

/** Rewrites the Conv with scaled weights and a new bias, and makes it produce `replaces` (the folded node's output). */
function rewriteConv(ctx: PassContext, parts: ConvParts, scale: Float64Array | undefined, bias: Float64Array, folded: Node): boolean {
  const { conv, w } = parts;
  const out = folded.outputs[0];
  if (!replaceValue(ctx.index, out, conv.outputs[0])) return false;
  const m = w.dims[0];
  const per = w.size / m;
  const values = toF64(w);
  if (scale) for (let i = 0; i < values.length; i++) values[i] *= scale[Math.floor(i / per)];
  const wName = scale ? ctx.names.fresh(`${conv.inputs[1]}_folded`) : conv.inputs[1];
  if (scale) ctx.graph.initializers.set(wName, floatTensor(w.type, values, w.dims));
  const bName = ctx.names.fresh(`${conv.name || 'conv'}_bias_folded`);
  ctx.graph.initializers.set(bName, floatTensor(w.type, bias, [m]));
  conv.inputs = [conv.inputs[0], wName, bName];
  removeNodes(ctx.graph, [folded]);
  ctx.reindex();
  return true;
}

interface BatchNormParams {
  scale: Float64Array;
  bias: Float64Array;
  mean: Float64Array;
  variance: Float64Array;
  epsilon: number;
  type: FloatType;
}

/** The constant parameters of an inference-mode BatchNormalization over `channels` channels. */
function batchNormParams(ctx: PassContext, bn: Node, channels: number | undefined): BatchNormParams | undefined {
  const opset = ctx.opset();
  if (opset < 7 || bn.outputs.slice(1).some((o) => o && ctx.index.isUsed(o))) return undefined;
  const a = readAttributes(bn, { epsilon: attr.float(1e-5), spatial: attr.int(1), training_mode: attr.int(0) });
  if ((opset < 9 && a.spatial !== 1) || a.training_mode !== 0) return undefined;
  const params = bn.inputs.slice(1, 5).map((n) => ctx.index.constant(n));
  if (params.length !== 4 || !params.every(isFloat)) return undefined;
  const n = channels ?? params[0]!.size;
  if (params.some((p) => p!.dims.length !== 1 || p!.size !== n)) return undefined;
  const [scale, bias, mean, variance] = params.map((p) => toF64(p!));
  return { scale, bias, mean, variance, epsilon: a.epsilon, type: params[0]!.type as FloatType };
}

/** Per channel: BN(y) = y·factor + shift. */
function affineOf(p: BatchNormParams): { factor: Float64Array; shift: Float64Array } {
  const factor = p.scale.map((s, c) => s / Math.sqrt(p.variance[c] + p.epsilon));
  const shift = p.bias.map((b, c) => b - p.mean[c] * factor[c]);
  return { factor, shift };
}

export const convBatchNormFolding: Pass = {
  name: 'conv-batchnorm-folding',
  level: 'extended',
  run(ctx) {
    let changes = 0;
    for (const bn of [...ctx.graph.nodes]) {
      if (bn.opType !== 'BatchNormalization' || bn.domain !== 'ai.onnx') continue;
      const parts = foldableConv(ctx, bn.inputs[0], bn);
      if (!parts) continue;
      const p = batchNormParams(ctx, bn, parts.w.dims[0]);
      if (!p || p.type !== parts.w.type) continue;
      const { factor, shift } = affineOf(p);
      const bias = parts.b.map((b, c) => b * factor[c] + shift[c]);
      if (rewriteConv(ctx, parts, factor, bias, bn)) changes++;
    }
    return changes;
  },
};

/** For Mul/Div/Add/Sub with one constant side: the data input and the per-channel constant. */
function affineOperands(ctx: PassContext, node: Node, rank: number | undefined, channels: number): { data: string; c: Float64Array } | undefined {
  if (node.domain !== 'ai.onnx' || node.inputs.length !== 2 || rank === undefined) return undefined;
  const commutative = node.opType === 'Mul' || node.opType === 'Add';
  for (const [d, k] of commutative ? [[0, 1], [1, 0]] : [[0, 1]]) {
    const t = ctx.index.constant(node.inputs[k]);
    if (!isFloat(t) || ctx.index.constant(node.inputs[d])) continue;
    const c = perChannel(t, rank, channels);
    if (c) return { data: node.inputs[d], c };
  }
  return undefined;
}

/** Scale and shift per channel of an elementwise op with a per-channel constant: y = x·scale + shift. */
function asAffine(op: string, c: Float64Array): { scale: Float64Array | undefined; shift: Float64Array } | undefined {
  const zero = new Float64Array(c.length);
  switch (op) {
    case 'Mul': return { scale: c, shift: zero };
    case 'Div': return c.every((v) => v !== 0) ? { scale: c.map((v) => 1 / v), shift: zero } : undefined;
    case 'Add': return { scale: undefined, shift: c };
    case 'Sub': return { scale: undefined, shift: c.map((v) => -v) };
    default: return undefined;
  }
}

/** y = x·scale + shift of a Mul/Div/Add/Sub reading `input` and a per-channel constant, or undefined. */
function affineAfter(ctx: PassContext, node: Node, input: string, rank: number | undefined, channels: number) {
  const ops = affineOperands(ctx, node, rank, channels);
  return ops && ops.data === input ? asAffine(node.opType, ops.c) : undefined;
}

/** Offers each input of each Mul/Div/Add/Sub node to `fold`, which returns true once it has folded the node away. */
function foldAffineNodes(ctx: PassContext, fold: (node: Node, input: string) => boolean): number {
  let changes = 0;
  for (const node of [...ctx.graph.nodes]) {
    if (!['Mul', 'Div', 'Add', 'Sub'].includes(node.opType) || node.domain !== 'ai.onnx') continue;
    if (node.inputs.some((input) => fold(node, input))) changes++;
  }
  return changes;
}

export const convAffineFolding: Pass = {
  name: 'conv-mul-add-folding',
  level: 'extended',
  run: (ctx) => foldAffineNodes(ctx, (node, input) => {
    const parts = foldableConv(ctx, input, node);
    const affine = parts && affineAfter(ctx, node, input, parts.w.dims.length, parts.w.dims[0]);
    if (!parts || !affine || ctx.facts.get(node.outputs[0])?.type !== parts.w.type) return false;
    const bias = parts.b.map((b, c) => b * (affine.scale?.[c] ?? 1) + affine.shift[c]);
    return rewriteConv(ctx, parts, affine.scale, bias, node);
  }),
};

export const batchNormAffineFolding: Pass = {
  name: 'batchnorm-mul-add-folding',
  level: 'extended',
  run: (ctx) => foldAffineNodes(ctx, (node, input) => {
    const bn = ctx.index.producer.get(input);
    if (!bn || bn.opType !== 'BatchNormalization' || bn.domain !== 'ai.onnx' || ctx.index.soleConsumer(input) !== node) return false;
    const p = batchNormParams(ctx, bn, undefined);
    const affine = p && affineAfter(ctx, node, input, ctx.facts.get(input)?.shape?.length, p.scale.length);
    if (!p || !affine || ctx.facts.get(node.outputs[0])?.type !== p.type) return false;
    if (!replaceValue(ctx.index, node.outputs[0], bn.outputs[0])) return false;
    // BN(x)·s + t keeps BN's form with scale·s and bias·s + t.
    const scale = p.scale.map((v, c) => v * (affine.scale?.[c] ?? 1));
    const bias = p.bias.map((v, c) => v * (affine.scale?.[c] ?? 1) + affine.shift[c]);
    const sName = ctx.names.fresh(`${bn.inputs[1]}_folded`);
    const bName = ctx.names.fresh(`${bn.inputs[2]}_folded`);
    ctx.graph.initializers.set(sName, floatTensor(p.type, scale, [scale.length]));
    ctx.graph.initializers.set(bName, floatTensor(p.type, bias, [bias.length]));
    bn.inputs = [bn.inputs[0], sName, bName, bn.inputs[3], bn.inputs[4]];
    removeNodes(ctx.graph, [node]);
    ctx.reindex();
    return true;
  }),
};
