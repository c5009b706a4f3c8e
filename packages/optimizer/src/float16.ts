/**
 * float32 → float16 conversion. Float32 values computed by converted nodes become float16 and float32 weights
 * become float16 initializers; the model's inputs and outputs stay float32, with Cast nodes at the boundary and
 * around nodes that stay in float32 (the block list: ops whose results float16 would change, such as Range and
 * CumSum, random and quantization ops, ops of other domains, and any the caller names).
 */
import { Tensor, numberToFloat16, subgraphsOf, freeVariables, toAttribute, type Attribute, type Model, type Node } from '@onnx-ts/core';
import { NameScope, cloneModel, makeNode, normalizeInitializerInputs, sortTopologically } from './graph.js';
import { inferFacts } from './shape-inference.js';

export interface Float16Options {
  /** Op types kept in float32, besides the default list. */
  blockOps?: readonly string[];
  /** Node names kept in float32. */
  blockNodes?: readonly string[];
}

export interface Float16Report {
  convertedNodes: number;
  keptNodes: { node: string; reason: string }[];
  convertedInitializers: number;
  castsInserted: number;
}

/** Kept in float32 by default: float16 would change what they compute (counts, sums, sampling, quantization). */
export const DEFAULT_FLOAT16_BLOCK = [
  'Range', 'CumSum', 'RandomNormal', 'RandomNormalLike', 'RandomUniform', 'RandomUniformLike', 'Multinomial',
  'Bernoulli', 'EyeLike', 'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'Resize', 'Upsample',
  'NonMaxSuppression', 'RoiAlign',
];

const FLOAT = 1;
const FLOAT16 = 10;
const HALF_MAX = 65504;

export function toFloat16(t: Tensor): Tensor {
  const src = t.data as Float32Array;
  const bits = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) bits[i] = numberToFloat16(Math.max(-HALF_MAX, Math.min(HALF_MAX, src[i])));
  return new Tensor('float16', bits, t.dims);
}

/** Attributes of a converted node whose float32 tensors (Constant, ConstantOfShape values) become float16. */
function convertAttributes(node: Node): Attribute[] {
  return node.attributes.map((a) => {
    if (node.opType === 'Cast' && a.name === 'to' && a.value === FLOAT) return toAttribute('to', FLOAT16);
    if (a.type === 'tensor' && (a.value as Tensor).type === 'float32') return { ...a, value: toFloat16(a.value as Tensor) };
    return a;
  });
}

export function convertToFloat16(model: Model, options: Float16Options = {}): { model: Model; report: Float16Report } {
  const out = cloneModel(model);
  normalizeInitializerInputs(out);
  const g = out.graph;
  const facts = inferFacts(g, out.opsetImports);
  const names = new NameScope(out);
  const blockedOps = new Set([...DEFAULT_FLOAT16_BLOCK, ...(options.blockOps ?? [])]);
  const blockedNodes = new Set(options.blockNodes ?? []);
  const report: Float16Report = { convertedNodes: 0, keptNodes: [], convertedInitializers: 0, castsInserted: 0 };
  const readBySubgraph = new Set(g.nodes.flatMap((n) => subgraphsOf(n).flatMap((s) => [...freeVariables(s)])));
  const typeOf = (v: string): string | undefined => facts.get(v)?.type;

  const converted = new Set<Node>();
  for (const node of g.nodes) {
    const values = [...node.inputs, ...node.outputs].filter(Boolean);
    if (!values.some((v) => typeOf(v) === 'float32')) continue;
    const label = node.name || node.outputs[0];
    let reason: string | undefined;
    if (node.domain !== 'ai.onnx') reason = `domain ${node.domain}`;
    else if (blockedOps.has(node.opType)) reason = `${node.opType} is on the block list`;
    else if (blockedNodes.has(node.name)) reason = 'node is on the block list';
    else if (subgraphsOf(node).length) reason = 'has subgraphs';
    else if (values.some((v) => typeOf(v) === undefined)) reason = 'a value has an unknown type';
    else if (node.outputs.some((o) => readBySubgraph.has(o))) reason = 'an output is read by a subgraph';
    else if (node.opType === 'Cast' && typeOf(node.outputs[0]) !== 'float32') reason = 'Cast to a non-float type';
    if (reason) report.keptNodes.push({ node: label, reason });
    else converted.add(node);
  }

  // Values computed in float16 from now on.
  const half = new Set<string>();
  for (const node of converted) for (const o of node.outputs) if (o && typeOf(o) === 'float32') half.add(o);
  // Graph outputs keep their name and type: their producer writes a float16 twin that a Cast turns back.
  const renamed = new Map<string, string>();
  for (const o of g.outputs) if (half.has(o.name)) renamed.set(o.name, names.fresh(`${o.name}_fp16`));
  const halfName = (v: string): string => renamed.get(v) ?? v;

  const casts = new Map<string, string>();
  const nodes: Node[] = [];
  const cast = (v: string, to: number): string => {
    const key = `${v}->${to}`;
    let name = casts.get(key);
    if (!name) {
      name = names.fresh(`${v}_${to === FLOAT16 ? 'fp16' : 'fp32'}`);
      nodes.push(makeNode('Cast', [halfName(v)], [name], names.fresh(`Cast_${to === FLOAT16 ? 'fp16' : 'fp32'}`), [toAttribute('to', to)]));
      casts.set(key, name);
      report.castsInserted++;
    }
    return name;
  };
  const halfInitializers = new Map<string, string>();
  const constantAsHalf = (v: string): string | undefined => {
    const t = g.initializers.get(v);
    if (t?.type !== 'float32' || g.inputs.some((i) => i.name === v)) return undefined;
    let name = halfInitializers.get(v);
    if (!name) {
      name = names.fresh(`${v}_fp16`);
      g.initializers.set(name, toFloat16(t));
      halfInitializers.set(v, name);
      report.convertedInitializers++;
    }
    return name;
  };

  for (const node of g.nodes) {
    if (converted.has(node)) {
      report.convertedNodes++;
      const inputs = node.inputs.map((v) => {
        if (!v || node.opType === 'Cast' || typeOf(v) !== 'float32') return v;
        if (half.has(v)) return halfName(v);
        return constantAsHalf(v) ?? cast(v, FLOAT16);
      });
      nodes.push({ ...node, inputs, outputs: node.outputs.map(halfName), attributes: convertAttributes(node) });
    } else {
      nodes.push({ ...node, inputs: node.inputs.map((v) => (half.has(v) ? cast(v, FLOAT) : v)) });
    }
  }
  for (const [original, twin] of renamed) {
    nodes.push(makeNode('Cast', [twin], [original], names.fresh('Cast_output_fp32'), [toAttribute('to', FLOAT)]));
    report.castsInserted++;
  }
  g.nodes = nodes;
  // Initializers only converted copies now stand in for are dropped.
  const read = new Set([...nodes.flatMap((n) => n.inputs), ...readBySubgraph, ...g.outputs.map((o) => o.name)]);
  for (const [v] of halfInitializers) if (!read.has(v)) g.initializers.delete(v);
  g.valueInfo = g.valueInfo.filter((v) => !half.has(v.name));
  sortTopologically(g);
  return { model: out, report };
}
