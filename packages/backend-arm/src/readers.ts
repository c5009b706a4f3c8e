/**
 * Where a node's output goes, read from the graph the node belongs to: a Conv whose only reader is a QuantizeLinear
 * (the QDQ format's Conv → QuantizeLinear) quantizes its output itself, so the float tensor is never materialized.
 */
import type { Graph, KernelContext, Node } from '@onnx-ts/core';
import { isScalar } from './delegate.js';

interface GraphIndex {
  /** Nodes by name; null for a name that several nodes (or none, '') share. */
  byName: Map<string, Node | null>;
  /** The nodes that read each value, once per reading input. */
  readers: Map<string, Node[]>;
  outputs: Set<string>;
  /** Whether a node holds a subgraph, which may read any outer value by name. */
  nested: boolean;
}

const indexes = new WeakMap<Graph, GraphIndex>();

function indexOf(graph: Graph): GraphIndex {
  let index = indexes.get(graph);
  if (index) return index;
  const byName = new Map<string, Node | null>();
  const readers = new Map<string, Node[]>();
  for (const node of graph.nodes) {
    byName.set(node.name, byName.has(node.name) || node.name === '' ? null : node);
    for (const input of node.inputs) {
      if (input === '') continue;
      const list = readers.get(input) ?? [];
      list.push(node);
      readers.set(input, list);
    }
  }
  const nested = graph.nodes.some((n) => n.attributes.some((a) => a.type === 'graph' || a.type === 'graphs'));
  index = { byName, readers, outputs: new Set(graph.outputs.map((v) => v.name)), nested };
  indexes.set(graph, index);
  return index;
}

/**
 * The only node that reads `value`, reading it once and as its input 0 (any input for a Concat); undefined for a
 * graph output.
 */
function soleReaderOf(index: GraphIndex, value: string | undefined): Node | undefined {
  if (!value || index.outputs.has(value)) return undefined;
  const readers = index.readers.get(value);
  if (readers?.length !== 1) return undefined;
  return readers[0].inputs[0] === value || readers[0].opType === 'Concat' ? readers[0] : undefined;
}

/**
 * The only node that reads output `output` of the running node (see soleReaderOf); undefined also when the node
 * cannot be told apart by its name or a subgraph might read the value.
 */
export function soleReader(ctx: KernelContext, output = 0): Node | undefined {
  const index = indexOf(ctx.graph);
  const self = index.byName.get(ctx.node.name);
  if (!self || index.nested || self.opType !== ctx.node.opType) return undefined;
  return soleReaderOf(index, self.outputs[output]);
}

/** A per-tensor QuantizeLinear's parameters. */
export interface QuantizeAfter {
  scale: number;
  zeroPoint: number;
  type: 'int8' | 'uint8';
}

/** Ops that a per-tensor QuantizeLinear after them can move before (see quantizeAfter). */
const THROUGH = new Set(['MaxPool', 'Relu', 'Concat']);

/** The parameters of a QuantizeLinear node whose scale and zero point are per-tensor model constants. */
function constantParameters(graph: Graph, node: Node | undefined): QuantizeAfter | undefined {
  if (node?.opType !== 'QuantizeLinear' || node.domain !== 'ai.onnx') return undefined;
  const scale = graph.initializers.get(node.inputs[1]);
  const zp = node.inputs[2] ? graph.initializers.get(node.inputs[2]) : undefined;
  if (scale?.type !== 'float32' || !isScalar(scale) || !zp || !isScalar(zp) || (zp.type !== 'int8' && zp.type !== 'uint8')) return undefined;
  return { scale: (scale.data as Float32Array)[0], zeroPoint: (zp.data as Int8Array | Uint8Array)[0], type: zp.type };
}

/**
 * The QuantizeLinear that alone reads this node's output — directly, or through a chain of MaxPool, Relu and Concat
 * nodes, each the sole reader of the one before (a per-tensor QuantizeLinear commutes with a Concat; a positive
 * scale makes it non-decreasing, so it commutes with a max, for finite values, which the callers give) — when its
 * scale and zero point are per-tensor model constants.
 */
export function quantizeAfter(ctx: KernelContext): QuantizeAfter | undefined {
  let reader = soleReader(ctx);
  let throughMax = false;
  while (reader && THROUGH.has(reader.opType) && reader.domain === 'ai.onnx' && reader.outputs.length === 1) {
    throughMax ||= reader.opType !== 'Concat';
    reader = soleReaderOf(indexOf(ctx.graph), reader.outputs[0]);
  }
  const params = constantParameters(ctx.graph, reader);
  return params && (!throughMax || params.scale > 0) ? params : undefined;
}

/**
 * A QuantizeLinear (per-tensor model-constant parameters) among the readers of output 0 of `node` (by default the
 * running node), reading it as its input 0; undefined when there is none, the running node cannot be told apart by
 * its name, or a subgraph might read the value.
 */
export function quantizingReader(ctx: KernelContext, node?: Node): QuantizeAfter | undefined {
  const index = indexOf(ctx.graph);
  const self = index.byName.get(ctx.node.name);
  if (!self || index.nested || self.opType !== ctx.node.opType) return undefined;
  const value = (node ?? self).outputs[0];
  for (const reader of index.readers.get(value) ?? []) {
    const params = reader.inputs[0] === value ? constantParameters(ctx.graph, reader) : undefined;
    if (params) return params;
  }
  return undefined;
}
