/**
 * Pruning weights of Conv, MatMul and Gemm.
 * - Unstructured: the smallest-magnitude weights are set to zero until each weight tensor (or all of them together,
 *   `global`) reaches the target sparsity. Same shapes, sparser values.
 * - Structured: whole output channels of a Conv (or columns of a MatMul/Gemm weight) with the lowest L2 norms are
 *   removed, and the nodes that read them are rewritten to match: BatchNormalization parameters, per-channel
 *   Mul/Add constants, and the input channels (rows) of the next Conv/MatMul/Gemm. The model gets smaller and
 *   faster. A channel is only removed when every reader of the output can be rewritten this way.
 */
import { Tensor, attr, readAttributes, type Graph, type Model, type Node } from '@onnx-ts/core';
import { GraphIndex, NameScope } from './graph.js';
import { optimize } from './optimize.js';
import { inferFacts, isStatic, type FactMap } from './shape-inference.js';

export interface PruneOptions {
  /** Share of weights (unstructured) or of output channels (structured) to remove, in [0, 1). */
  sparsity: number;
  structured?: boolean;
  /** Unstructured only: one magnitude threshold over all weights instead of one per tensor. */
  global?: boolean;
  /** Node names left untouched. */
  excludeNodes?: readonly string[];
}

export interface PrunedTensor {
  name: string;
  node: string;
  elements: number;
  zeros: number;
  sparsity: number;
  /** Structured: output channels before and after. */
  channelsBefore?: number;
  channelsAfter?: number;
}

export interface PruneReport {
  mode: 'unstructured' | 'structured';
  target: number;
  tensors: PrunedTensor[];
  skipped: { node: string; reason: string }[];
  /** Zeros over elements across the pruned weights. */
  achievedSparsity: number;
  parametersBefore: number;
  parametersAfter: number;
}

const WEIGHT_OPS = new Set(['Conv', 'MatMul', 'Gemm']);

function parameterCount(g: Graph): number {
  let n = 0;
  for (const t of g.initializers.values()) n += t.size;
  return n;
}

function countZeros(data: ArrayLike<number>): number {
  let z = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) z++;
  return z;
}

/** Weight initializers read by Conv/MatMul/Gemm (input 1), each once, with the first node reading it. */
function weightTensors(g: Graph, index: GraphIndex, excluded: ReadonlySet<string>): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const node of g.nodes) {
    if (!WEIGHT_OPS.has(node.opType) || node.domain !== 'ai.onnx' || excluded.has(node.name)) continue;
    const w = index.constant(node.inputs[1]);
    if ((w?.type === 'float32' || w?.type === 'float64') && !out.has(node.inputs[1])) out.set(node.inputs[1], node);
  }
  return out;
}

/** The magnitude below which `count` of the values lie (ties broken by position), as a keep-mask. */
function smallestMask(values: Float32Array | Float64Array, count: number): Uint8Array {
  const pruned = new Uint8Array(values.length);
  if (count <= 0) return pruned;
  const mags = Float64Array.from(values, Math.abs).sort();
  const threshold = mags[Math.min(count, mags.length) - 1];
  let left = count;
  for (let i = 0; i < values.length && left > 0; i++) {
    if (Math.abs(values[i]) < threshold) {
      pruned[i] = 1;
      left--;
    }
  }
  for (let i = 0; i < values.length && left > 0; i++) {
    if (!pruned[i] && Math.abs(values[i]) === threshold) {
      pruned[i] = 1;
      left--;
    }
  }
  return pruned;
}

function checkSparsity(s: number): void {
  if (!(s >= 0 && s < 1)) throw new Error(`prune: sparsity must be in [0, 1), got ${s}`);
}

function unstructured(out: Model, options: PruneOptions, report: PruneReport): void {
  const g = out.graph;
  const weights = weightTensors(g, new GraphIndex(g), new Set(options.excludeNodes ?? []));
  const entries = [...weights].map(([name, node]) => ({ name, node, t: g.initializers.get(name)! }));
  let globalThreshold: number | undefined;
  if (options.global && entries.length) {
    const all = new Float64Array(entries.reduce((n, e) => n + e.t.size, 0));
    let at = 0;
    for (const e of entries) for (const v of e.t.data as Float32Array) all[at++] = Math.abs(v);
    all.sort();
    const count = Math.round(options.sparsity * all.length);
    globalThreshold = count > 0 ? all[count - 1] : -1;
  }
  for (const { name, node, t } of entries) {
    const data = t.data as Float32Array | Float64Array;
    const mask = globalThreshold === undefined
      ? smallestMask(data, Math.round(options.sparsity * data.length))
      : Uint8Array.from(data, (v) => (Math.abs(v) <= globalThreshold! ? 1 : 0));
    const pruned = data.map((v, i) => (mask[i] ? 0 : v));
    g.initializers.set(name, new Tensor(t.type, pruned, t.dims));
    const zeros = countZeros(pruned);
    report.tensors.push({ name, node: node.name || node.outputs[0], elements: t.size, zeros, sparsity: zeros / t.size });
  }
}

/** Keeps `keep` indices along `axis` of a tensor. */
function sliceAxis(t: Tensor, axis: number, keep: readonly number[]): Tensor {
  const outer = t.dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = t.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = t.dims[axis];
  const src = t.data as Float32Array;
  const dst = new (src.constructor as Float32ArrayConstructor)(outer * keep.length * inner);
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const k of keep) {
      const from = (o * n + k) * inner;
      dst.set(src.subarray(from, from + inner), at);
      at += inner;
    }
  }
  return new Tensor(t.type, dst, t.dims.map((d, i) => (i === axis ? keep.length : d)));
}

/** One edit of the plan: a constant sliced along an axis, into a new initializer read at `node.inputs[input]`. */
interface Edit {
  node: Node;
  input: number;
  axis: number;
  /** Features per channel: a Flatten of [N, C, spatial] turns channel c into `group` consecutive features. */
  group: number;
}

const CHANNEL_WISE_UNARY = new Set([
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Clip', 'HardSigmoid', 'HardSwish', 'Elu', 'Selu', 'Gelu', 'Softplus', 'Mish',
  'Identity', 'Dropout', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LpPool',
]);

/**
 * The edits that make the channels along `channelAxis` of `value` removable, following every reader; undefined
 * (with the reason) when some reader cannot be rewritten.
 */
function plan(value: string, channelAxis: number, channels: number, index: GraphIndex, facts: FactMap, edits: Edit[]): string | undefined {
  if (index.graphOutputs.has(value)) return `'${value}' is a graph output`;
  if (index.readBySubgraph.has(value)) return `'${value}' is read by a subgraph`;
  const rank = facts.get(value)?.shape?.length;
  for (const node of index.consumersOf(value)) {
    const op = node.domain === 'ai.onnx' ? node.opType : `${node.domain}.${node.opType}`;
    const next = (): string | undefined => plan(node.outputs[0], channelAxis, channels, index, facts, edits);
    if (CHANNEL_WISE_UNARY.has(op) && node.inputs[0] === value) {
      if (op === 'Dropout' && node.outputs.slice(1).some((o) => o && index.isUsed(o))) return 'Dropout mask is used';
      const r = next();
      if (r) return r;
      continue;
    }
    if (op === 'BatchNormalization' && node.inputs[0] === value && channelAxis === 1) {
      for (let i = 1; i <= 4; i++) {
        if (index.constant(node.inputs[i])?.size !== channels) return `${op} parameters are not constants of ${channels}`;
        edits.push({ node, input: i, axis: 0, group: 1 });
      }
      const r = next();
      if (r) return r;
      continue;
    }
    if (['Mul', 'Add', 'Sub', 'Div'].includes(op) && node.inputs.length === 2 && rank !== undefined) {
      const k = node.inputs[0] === value ? 1 : 0;
      const c = index.constant(node.inputs[k]);
      if (!c || node.inputs[k] === value) return `${op} '${node.name}' combines it with a non-constant`;
      // Per-channel constant: aligned with the channel axis, or a scalar.
      const padded = [...new Array(rank - c.dims.length).fill(1), ...c.dims];
      if (c.dims.length > rank || padded.some((d, i) => d !== 1 && i !== channelAxis)) return `${op} '${node.name}' constant is not per channel`;
      if (c.size > 1) {
        if (padded[channelAxis] !== channels) return `${op} '${node.name}' constant is not per channel`;
        edits.push({ node, input: k, axis: c.dims.length - (rank - channelAxis), group: 1 });
      }
      const r = next();
      if (r) return r;
      continue;
    }
    if (op === 'Conv' && node.inputs[0] === value && channelAxis === 1) {
      const w = index.constant(node.inputs[1]);
      if (!w || w.dims[1] !== channels || readAttributes(node, { group: attr.int(1) }).group !== 1) return `Conv '${node.name}' weight cannot lose input channels`;
      edits.push({ node, input: 1, axis: 1, group: 1 });
      continue;
    }
    if ((op === 'MatMul' || op === 'Gemm') && node.inputs[0] === value) {
      const w = index.constant(node.inputs[1]);
      const transB = op === 'Gemm' && readAttributes(node, { transB: attr.int(0) }).transB === 1;
      if (op === 'Gemm' && readAttributes(node, { transA: attr.int(0) }).transA) return `Gemm '${node.name}' has transA`;
      if (!w || w.dims.length !== 2 || rank === undefined || channelAxis !== rank - 1) return `${op} '${node.name}' weight cannot lose rows`;
      edits.push({ node, input: 1, axis: transB ? 1 : 0, group: 1 });
      continue;
    }
    if (op === 'Flatten' && channelAxis === 1 && readAttributes(node, { axis: attr.int(1) }).axis === 1) {
      const spatial = facts.get(value)?.shape?.slice(2);
      if (!isStatic(spatial)) return `Flatten '${node.name}' input has unknown spatial dims`;
      const group = spatial.reduce((a, b) => a * b, 1);
      for (const reader of index.consumersOf(node.outputs[0])) {
        const w = index.constant(reader.inputs[1]);
        const transB = reader.opType === 'Gemm' && readAttributes(reader, { transB: attr.int(0) }).transB === 1;
        if (!['MatMul', 'Gemm'].includes(reader.opType) || reader.inputs[0] !== node.outputs[0] || !w || w.dims.length !== 2) {
          return `Flatten '${node.name}' feeds ${reader.opType} '${reader.name}'`;
        }
        edits.push({ node: reader, input: 1, axis: transB ? 1 : 0, group });
      }
      if (index.graphOutputs.has(node.outputs[0])) return `'${node.outputs[0]}' is a graph output`;
      continue;
    }
    return `'${value}' is read by ${op} '${node.name}'`;
  }
  return undefined;
}

/** The channel indices to keep: all but the `drop` channels with the lowest L2 norms (file order kept). */
function channelsToKeep(w: Tensor, axis: number, drop: number): number[] {
  const n = w.dims[axis];
  const inner = w.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const data = w.data as Float32Array;
  const norms = new Float64Array(n);
  for (let i = 0; i < data.length; i++) {
    const c = Math.floor(i / inner) % n;
    norms[c] += data[i] * data[i];
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => norms[a] - norms[b] || a - b);
  const dropped = new Set(order.slice(0, drop));
  return Array.from({ length: n }, (_, i) => i).filter((i) => !dropped.has(i));
}

function structured(out: Model, options: PruneOptions, report: PruneReport): void {
  const g = out.graph;
  const names = new NameScope(out);
  const excluded = new Set(options.excludeNodes ?? []);
  for (const node of [...g.nodes]) {
    if (!WEIGHT_OPS.has(node.opType) || node.domain !== 'ai.onnx' || excluded.has(node.name)) continue;
    const index = new GraphIndex(g);
    const facts = inferFacts(g, out.opsetImports);
    const label = node.name || node.outputs[0];
    const w = index.constant(node.inputs[1]);
    if (!w || (w.type !== 'float32' && w.type !== 'float64')) continue;
    const a = readAttributes(node, { group: attr.int(1), transA: attr.int(0), transB: attr.int(0) });
    if (node.opType === 'Conv' && a.group !== 1) {
      report.skipped.push({ node: label, reason: 'grouped Conv' });
      continue;
    }
    if (node.opType !== 'Conv' && (w.dims.length !== 2 || a.transA)) {
      report.skipped.push({ node: label, reason: 'weight is not a plain 2-D matrix' });
      continue;
    }
    // Output channels: Conv W [M, ...] axis 0; MatMul B [K, N] axis 1; Gemm B [N, K] (transB) axis 0.
    const wAxis = node.opType === 'Conv' || a.transB ? 0 : 1;
    const channels = w.dims[wAxis];
    const drop = Math.min(channels - 1, Math.floor(options.sparsity * channels));
    if (drop <= 0) continue;
    const outRank = facts.get(node.outputs[0])?.shape?.length;
    const channelAxis = node.opType === 'Conv' ? 1 : (outRank ?? 0) - 1;
    if (outRank === undefined) {
      report.skipped.push({ node: label, reason: 'output rank unknown' });
      continue;
    }
    const edits: Edit[] = [{ node, input: 1, axis: wAxis, group: 1 }];
    if (node.inputs[2]) {
      const bias = index.constant(node.inputs[2]);
      if (!bias || bias.size !== channels) {
        report.skipped.push({ node: label, reason: 'bias is not a constant per channel' });
        continue;
      }
      edits.push({ node, input: 2, axis: bias.dims.length - 1, group: 1 });
    }
    const reason = plan(node.outputs[0], channelAxis, channels, index, facts, edits);
    if (reason) {
      report.skipped.push({ node: label, reason });
      continue;
    }
    const keep = channelsToKeep(w, wAxis, drop);
    for (const e of edits) {
      const t = g.initializers.get(e.node.inputs[e.input])!;
      const rows = e.group === 1 ? keep : keep.flatMap((c) => Array.from({ length: e.group }, (_, s) => c * e.group + s));
      const name = names.fresh(`${e.node.inputs[e.input]}_pruned`);
      g.initializers.set(name, sliceAxis(t, e.axis, rows));
      e.node.inputs = e.node.inputs.map((v, i) => (i === e.input ? name : v));
    }
    // Declared shapes along the pruned path are stale now.
    g.valueInfo = [];
    report.tensors.push({ name: node.inputs[1], node: label, elements: w.size, zeros: 0, sparsity: 1 - keep.length / channels, channelsBefore: channels, channelsAfter: keep.length });
  }
}

/** Prunes a copy of the model (optimized first, so weights are initializers and BatchNormalization is folded). */
export function prune(model: Model, options: PruneOptions): { model: Model; report: PruneReport } {
  checkSparsity(options.sparsity);
  if (options.structured && options.global) throw new Error('prune: --global applies to unstructured pruning; structured pruning ranks channels per layer');
  const out = optimize(model, { level: 'extended' });
  const report: PruneReport = {
    mode: options.structured ? 'structured' : 'unstructured', target: options.sparsity, tensors: [], skipped: [],
    achievedSparsity: 0, parametersBefore: parameterCount(out.graph), parametersAfter: 0,
  };
  if (options.structured) structured(out, options, report);
  else unstructured(out, options, report);
  const live = optimize(out, { level: 'basic', disable: ['constant-folding', 'common-subexpression-elimination'] });
  report.parametersAfter = parameterCount(live.graph);
  if (!options.structured) {
    const elements = report.tensors.reduce((n, t) => n + t.elements, 0);
    report.achievedSparsity = elements ? report.tensors.reduce((n, t) => n + t.zeros, 0) / elements : 0;
  } else {
    const before = report.tensors.reduce((n, t) => n + (t.channelsBefore ?? 0), 0);
    report.achievedSparsity = before ? 1 - report.tensors.reduce((n, t) => n + (t.channelsAfter ?? 0), 0) / before : 0;
  }
  return { model: live, report };
}
