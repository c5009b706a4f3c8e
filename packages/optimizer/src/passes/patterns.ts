/**
 * Subgraph patterns replaced by the standard ONNX op that computes the same thing, where the model's opset has it:
 * GELU (erf form, or the tanh approximation as approximate='tanh'; opset 20), LayerNormalization (17),
 * RMSNormalization (23), and scaled dot-product Attention (23).
 */
import { Tensor, attr, normalizeAxis, readAttributes, toAttribute, type Node } from '@onnx-ts/core';
import { makeNode, removeNodes, replaceValue } from '../graph.js';
import { isStatic } from '../shape-inference.js';
import { floatAttribute } from './fusion.js';
import type { Pass, PassContext } from './pass.js';

const FLOATS = new Set(['float32', 'float64', 'float16', 'bfloat16']);

/** The value of a one-element float constant. */
function scalar(ctx: PassContext, name: string | undefined): number | undefined {
  const t = name ? ctx.index.constant(name) : undefined;
  if (!t || t.size !== 1 || !FLOATS.has(t.type)) return undefined;
  return t.type === 'float32' || t.type === 'float64' ? Number((t.data as Float32Array)[0]) : undefined;
}

const near = (v: number | undefined, target: number, tol = 1e-4): boolean => v !== undefined && Math.abs(v - target) <= tol * Math.abs(target);

/** The node of type `op` (default domain) producing `name`, when `reader` is its only consumer. */
function producedOnlyFor(ctx: PassContext, name: string | undefined, op: string | string[], reader: Node): Node | undefined {
  if (!name) return undefined;
  const n = ctx.index.producer.get(name);
  const ops = Array.isArray(op) ? op : [op];
  if (!n || n.domain !== 'ai.onnx' || !ops.includes(n.opType)) return undefined;
  const consumers = ctx.index.consumersOf(name);
  if (ctx.index.graphOutputs.has(name) || ctx.index.readBySubgraph.has(name) || consumers.some((c) => c !== reader)) return undefined;
  return n;
}

/** The single consumer of a node's output, when it is of type `op`. */
function onlyReader(ctx: PassContext, node: Node, op: string): Node | undefined {
  const r = ctx.index.soleConsumer(node.outputs[0]);
  return r && r.domain === 'ai.onnx' && r.opType === op ? r : undefined;
}

/** The input of a binary node that is not `name` (undefined when both are). */
function otherInput(node: Node, name: string): string | undefined {
  if (node.inputs.length !== 2) return undefined;
  if (node.inputs[0] === name) return node.inputs[1] === name ? undefined : node.inputs[1];
  return node.inputs[1] === name ? node.inputs[0] : undefined;
}

/** Replaces the nodes of a matched pattern by one node producing the pattern's output. */
function replacePattern(ctx: PassContext, matched: Node[], output: string, replacement: Node): boolean {
  const last = matched.find((n) => n.outputs.includes(output))!;
  const tmp = ctx.names.fresh(`${replacement.name}_out`);
  replacement.outputs = [tmp];
  ctx.graph.nodes.splice(ctx.graph.nodes.indexOf(last), 0, replacement);
  ctx.reindex();
  if (!replaceValue(ctx.index, output, tmp)) {
    removeNodes(ctx.graph, [replacement]);
    ctx.reindex();
    return false;
  }
  removeNodes(ctx.graph, matched);
  ctx.reindex();
  return true;
}

interface GeluMatch {
  x: string;
  nodes: Node[];
  output: string;
  approximate: 'none' | 'tanh';
}

/**
 * The tail both GELU forms share, x·0.5·(1 + f) with f = erf(…) or tanh(…), in any of the association orders
 * exporters write; `head` are the nodes computing f's input.
 */
function matchGeluTail(ctx: PassContext, f: Node, x: string, head: Node[], approximate: GeluMatch['approximate']): GeluMatch | undefined {
  const plusOne = onlyReader(ctx, f, 'Add');
  if (!plusOne || !near(scalar(ctx, otherInput(plusOne, f.outputs[0])), 1)) return undefined;
  const m1 = onlyReader(ctx, plusOne, 'Mul');
  const partner = m1 && otherInput(m1, plusOne.outputs[0]);
  if (!m1 || !partner) return undefined;
  const base = [...head, f, plusOne, m1];
  if (partner === x || near(scalar(ctx, partner), 0.5)) {
    // (x·(1+f))·0.5 or ((1+f)·0.5)·x
    const m2 = onlyReader(ctx, m1, 'Mul');
    const rest = m2 && otherInput(m2, m1.outputs[0]);
    const fits = partner === x ? near(scalar(ctx, rest), 0.5) : rest === x;
    return m2 && fits ? { x, nodes: [...base, m2], output: m2.outputs[0], approximate } : undefined;
  }
  // (x·0.5)·(1+f)
  const half = producedOnlyFor(ctx, partner, 'Mul', m1);
  if (!half || !half.inputs.includes(x) || !near(scalar(ctx, otherInput(half, x)), 0.5)) return undefined;
  return { x, nodes: [...base, half], output: m1.outputs[0], approximate };
}

/** x·0.5·(1 + erf(x/√2)). */
function matchErfGelu(ctx: PassContext, erf: Node): GeluMatch | undefined {
  const scaled = producedOnlyFor(ctx, erf.inputs[0], ['Div', 'Mul'], erf);
  if (!scaled) return undefined;
  const [x, k] = scaled.inputs;
  if (scaled.opType === 'Div' ? !near(scalar(ctx, k), Math.SQRT2) : !near(scalar(ctx, k), Math.SQRT1_2)) return undefined;
  return matchGeluTail(ctx, erf, x, [scaled], 'none');
}

/** The input of a Mul node whose other input is the scalar constant `k`, when there is one. */
function scaledBy(ctx: PassContext, mul: Node, k: number): string | undefined {
  if (mul.inputs.length !== 2) return undefined;
  if (near(scalar(ctx, mul.inputs[1]), k)) return mul.inputs[0];
  return near(scalar(ctx, mul.inputs[0]), k) ? mul.inputs[1] : undefined;
}

/** The nodes computing x³ into `name` for `reader` alone: Pow(x, 3), (x·x)·x or x·(x·x). */
function cubeOf(ctx: PassContext, name: string, x: string, reader: Node): Node[] | undefined {
  const top = producedOnlyFor(ctx, name, ['Pow', 'Mul'], reader);
  if (!top) return undefined;
  if (top.opType === 'Pow') return top.inputs[0] === x && near(scalar(ctx, top.inputs[1]), 3) ? [top] : undefined;
  const square = otherInput(top, x);
  const sq = square && producedOnlyFor(ctx, square, 'Mul', top);
  return sq && sq.inputs[0] === x && sq.inputs[1] === x ? [sq, top] : undefined;
}

/** x·0.5·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
function matchTanhGelu(ctx: PassContext, tanh: Node): GeluMatch | undefined {
  const outer = producedOnlyFor(ctx, tanh.inputs[0], 'Mul', tanh);
  const inner = outer && scaledBy(ctx, outer, Math.sqrt(2 / Math.PI));
  const sum = outer && inner ? producedOnlyFor(ctx, inner, 'Add', outer) : undefined;
  if (!outer || !sum) return undefined;
  for (const x of sum.inputs) {
    const cubic = producedOnlyFor(ctx, otherInput(sum, x), 'Mul', sum);
    const cube = cubic && scaledBy(ctx, cubic, 0.044715);
    const cubeNodes = cubic && cube ? cubeOf(ctx, cube, x, cubic) : undefined;
    if (cubic && cubeNodes) return matchGeluTail(ctx, tanh, x, [...cubeNodes, cubic, sum, outer], 'tanh');
  }
  return undefined;
}

export const geluFusion: Pass = {
  name: 'gelu-fusion',
  level: 'extended',
  run(ctx) {
    if (ctx.opset() < 20) return 0;
    let changes = 0;
    for (const f of [...ctx.graph.nodes]) {
      if ((f.opType !== 'Erf' && f.opType !== 'Tanh') || f.domain !== 'ai.onnx' || !ctx.graph.nodes.includes(f)) continue;
      const m = f.opType === 'Erf' ? matchErfGelu(ctx, f) : matchTanhGelu(ctx, f);
      if (!m || !FLOATS.has(ctx.facts.get(m.x)?.type ?? '')) continue;
      const attributes = m.approximate === 'tanh' ? [toAttribute('approximate', 'tanh')] : [];
      const gelu = makeNode('Gelu', [m.x], [], ctx.names.fresh('Gelu_fused'), attributes);
      if (replacePattern(ctx, m.nodes, m.output, gelu)) changes++;
    }
    return changes;
  },
};

/** Axes of a Reduce node (attribute before `inputFrom`, constant input after). */
function reduceAxes(ctx: PassContext, node: Node, inputFrom: number): number[] | undefined {
  if (readAttributes(node, { keepdims: attr.int(1) }).keepdims !== 1) return undefined;
  if (ctx.opset() < inputFrom) return readAttributes(node, { axes: attr.ints() }).axes;
  const t = node.inputs[1] ? ctx.index.constant(node.inputs[1]) : undefined;
  return t ? Array.from(t.data as BigInt64Array, Number) : undefined;
}

/** The first axis when `axes` are exactly the trailing axes of a rank-`rank` tensor. */
function trailingAxis(axes: number[] | undefined, rank: number | undefined): number | undefined {
  if (!axes?.length || rank === undefined) return undefined;
  const sorted = axes.map((a) => normalizeAxis(a, rank)).sort((a, b) => a - b);
  return sorted.every((a, i) => a === rank - sorted.length + i) ? sorted[0] : undefined;
}

/** d·d or d^2. */
function isSquareOf(ctx: PassContext, node: Node | undefined, d: string): boolean {
  if (!node) return false;
  if (node.opType === 'Mul') return node.inputs[0] === d && node.inputs[1] === d;
  return node.opType === 'Pow' && node.inputs[0] === d && near(scalar(ctx, node.inputs[1]), 2);
}

/** An optional trailing Mul(·, gamma) and Add(·, beta) with constants of the normalized shape. */
function affineTail(ctx: PassContext, node: Node, normalized: number[]): { gamma?: string; beta?: string; nodes: Node[]; output: string } {
  const fits = (name: string | undefined): boolean => {
    const t = name ? ctx.index.constant(name) : undefined;
    return !!t && t.dims.length === normalized.length && t.dims.every((d, i) => d === normalized[i]);
  };
  const out: { gamma?: string; beta?: string; nodes: Node[]; output: string } = { nodes: [], output: node.outputs[0] };
  const mul = onlyReader(ctx, node, 'Mul');
  const gamma = mul && otherInput(mul, node.outputs[0]);
  if (!mul || !fits(gamma)) return out;
  out.gamma = gamma;
  out.nodes.push(mul);
  out.output = mul.outputs[0];
  const add = onlyReader(ctx, mul, 'Add');
  const beta = add && otherInput(add, mul.outputs[0]);
  if (add && fits(beta)) {
    out.beta = beta;
    out.nodes.push(add);
    out.output = add.outputs[0];
  }
  return out;
}

/** A constant of ones in the normalized shape, for a pattern without a scale. */
function onesLike(ctx: PassContext, type: string, dims: number[]): string | undefined {
  if (type !== 'float32' && type !== 'float64') return undefined;
  const n = dims.reduce((a, b) => a * b, 1);
  const name = ctx.names.fresh('norm_scale_ones');
  ctx.graph.initializers.set(name, new Tensor(type, type === 'float32' ? new Float32Array(n).fill(1) : new Float64Array(n).fill(1), dims));
  return name;
}

export const layerNormFusion: Pass = {
  name: 'layernorm-fusion',
  level: 'extended',
  run(ctx) {
    if (ctx.opset() < 17) return 0;
    let changes = 0;
    for (const mean of [...ctx.graph.nodes]) {
      if (mean.opType !== 'ReduceMean' || mean.domain !== 'ai.onnx' || !ctx.graph.nodes.includes(mean)) continue;
      const x = mean.inputs[0];
      const xf = ctx.facts.get(x);
      const axis = trailingAxis(reduceAxes(ctx, mean, 18), xf?.shape?.length);
      if (axis === undefined || !FLOATS.has(xf?.type ?? '')) continue;
      const sub = onlyReader(ctx, mean, 'Sub');
      if (!sub || sub.inputs[0] !== x || sub.inputs[1] !== mean.outputs[0]) continue;
      const d = sub.outputs[0];
      const readers = ctx.index.consumersOf(d);
      if (readers.length !== 2 || ctx.index.graphOutputs.has(d)) continue;
      const square = readers.find((r) => isSquareOf(ctx, r, d));
      const div = readers.find((r) => r.opType === 'Div' && r.inputs[0] === d);
      if (!square || !div) continue;
      const variance = onlyReader(ctx, square, 'ReduceMean');
      if (!variance || trailingAxis(reduceAxes(ctx, variance, 18), xf!.shape!.length) !== axis) continue;
      const addEps = onlyReader(ctx, variance, 'Add');
      const epsilon = addEps && scalar(ctx, otherInput(addEps, variance.outputs[0]));
      const sqrt = addEps && onlyReader(ctx, addEps, 'Sqrt');
      if (!sqrt || epsilon === undefined || div.inputs[1] !== sqrt.outputs[0] || ctx.index.soleConsumer(sqrt.outputs[0]) !== div) continue;
      const normalized = xf!.shape!.slice(axis);
      if (!isStatic(normalized)) continue;
      const tail = affineTail(ctx, div, normalized);
      const gamma = tail.gamma ?? onesLike(ctx, xf!.type!, normalized);
      if (!gamma) continue;
      const ln = makeNode('LayerNormalization', tail.beta ? [x, gamma, tail.beta] : [x, gamma], [], ctx.names.fresh('LayerNormalization_fused'),
        [toAttribute('axis', axis), floatAttribute('epsilon', epsilon)]);
      if (replacePattern(ctx, [mean, sub, square, variance, addEps!, sqrt, div, ...tail.nodes], tail.output, ln)) changes++;
    }
    return changes;
  },
};

export const rmsNormFusion: Pass = {
  name: 'rmsnorm-fusion',
  level: 'extended',
  run(ctx) {
    if (ctx.opset() < 23) return 0;
    let changes = 0;
    for (const mean of [...ctx.graph.nodes]) {
      if (mean.opType !== 'ReduceMean' || mean.domain !== 'ai.onnx' || !ctx.graph.nodes.includes(mean)) continue;
      const square = ctx.index.producer.get(mean.inputs[0]);
      const x = square?.inputs[0];
      if (!square || !x || !isSquareOf(ctx, square, x) || ctx.index.soleConsumer(square.outputs[0]) !== mean) continue;
      const xf = ctx.facts.get(x);
      const axis = trailingAxis(reduceAxes(ctx, mean, 18), xf?.shape?.length);
      if (axis === undefined || !FLOATS.has(xf?.type ?? '')) continue;
      const addEps = onlyReader(ctx, mean, 'Add');
      const epsilon = addEps && scalar(ctx, otherInput(addEps, mean.outputs[0]));
      const sqrt = addEps && onlyReader(ctx, addEps, 'Sqrt');
      if (!sqrt || epsilon === undefined) continue;
      // x / sqrt(...) or x · (1 / sqrt(...))
      let scaleNodes: Node[];
      let normalizedNode: Node | undefined = onlyReader(ctx, sqrt, 'Div');
      if (normalizedNode && normalizedNode.inputs[0] === x && normalizedNode.inputs[1] === sqrt.outputs[0]) {
        scaleNodes = [normalizedNode];
      } else {
        const recip = onlyReader(ctx, sqrt, 'Reciprocal');
        normalizedNode = recip && onlyReader(ctx, recip, 'Mul');
        if (!recip || !normalizedNode || otherInput(normalizedNode, recip.outputs[0]) !== x) continue;
        scaleNodes = [recip, normalizedNode];
      }
      const normalized = xf!.shape!.slice(axis);
      if (!isStatic(normalized)) continue;
      const tail = affineTail(ctx, normalizedNode, normalized);
      if (tail.beta) {
        // RMSNormalization has no bias: keep the Add.
        tail.nodes.pop();
        tail.output = tail.nodes[0].outputs[0];
      }
      const gamma = tail.gamma ?? onesLike(ctx, xf!.type!, normalized);
      if (!gamma) continue;
      const rms = makeNode('RMSNormalization', [x, gamma], [], ctx.names.fresh('RMSNormalization_fused'),
        [toAttribute('axis', axis), floatAttribute('epsilon', epsilon)]);
      if (replacePattern(ctx, [square, mean, addEps!, sqrt, ...scaleNodes, ...tail.nodes], tail.output, rms)) changes++;
    }
    return changes;
  },
};

export const attentionFusion: Pass = {
  name: 'attention-fusion',
  level: 'extended',
  run(ctx) {
    if (ctx.opset() < 23) return 0;
    let changes = 0;
    for (const softmax of [...ctx.graph.nodes]) {
      if (softmax.opType !== 'Softmax' || softmax.domain !== 'ai.onnx' || !ctx.graph.nodes.includes(softmax)) continue;
      const sf = ctx.facts.get(softmax.inputs[0]);
      if (sf?.shape?.length !== 4 || normalizeAxis(readAttributes(softmax, { axis: attr.int(-1) }).axis, 4) !== 3) continue;
      const pv = onlyReader(ctx, softmax, 'MatMul');
      if (!pv || pv.inputs[0] !== softmax.outputs[0]) continue;
      const nodes: Node[] = [softmax, pv];
      let cursor = softmax.inputs[0];
      let reader: Node = softmax;
      let mask: string | undefined;
      const add = producedOnlyFor(ctx, cursor, 'Add', reader);
      if (add) {
        const qk = add.inputs.find((i) => ['Mul', 'Div', 'MatMul'].includes(ctx.index.producer.get(i)?.opType ?? ''));
        mask = qk && otherInput(add, qk);
        const maskRank = mask ? ctx.facts.get(mask)?.shape?.length : undefined;
        // Attention takes a mask of rank 2 to 4 broadcasting to [batch, heads, q, kv]; other Adds are not masks.
        if (!qk || !mask || ctx.facts.get(mask)?.type !== sf.type || maskRank === undefined || maskRank < 2) continue;
        nodes.push(add);
        cursor = qk;
        reader = add;
      }
      let scale = 1;
      const scaling = producedOnlyFor(ctx, cursor, ['Mul', 'Div'], reader);
      if (scaling) {
        const data = scaling.inputs.find((i) => ctx.index.producer.get(i)?.opType === 'MatMul');
        const k = data ? scalar(ctx, otherInput(scaling, data)) : undefined;
        if (!data || k === undefined || (scaling.opType === 'Div' && (data !== scaling.inputs[0] || k === 0))) continue;
        scale = scaling.opType === 'Div' ? 1 / k : k;
        nodes.push(scaling);
        cursor = data;
        reader = scaling;
      }
      const qk = producedOnlyFor(ctx, cursor, 'MatMul', reader);
      const kt = qk && producedOnlyFor(ctx, qk.inputs[1], 'Transpose', qk);
      if (!qk || !kt) continue;
      const perm = readAttributes(kt, { perm: attr.ints() }).perm;
      if (!perm || perm.join() !== '0,1,3,2') continue;
      const [q, k, v] = [qk.inputs[0], kt.inputs[0], pv.inputs[1]];
      if (![q, k, v].every((n) => ctx.facts.get(n)?.shape?.length === 4 && ctx.facts.get(n)?.type === sf.type)) continue;
      nodes.push(qk, kt);
      const attention = makeNode('Attention', mask ? [q, k, v, mask] : [q, k, v], [], ctx.names.fresh('Attention_fused'), [floatAttribute('scale', scale)]);
      if (replacePattern(ctx, nodes, pv.outputs[0], attention)) changes++;
    }
    return changes;
  },
};
