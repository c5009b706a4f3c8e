/**
 * Constant folding: a node whose inputs are all constants runs once, now, on the reference backend, and its outputs
 * become initializers. Shape-op folding: a node whose integer output is known from shape inference alone (a shape
 * vector computed from static dims) becomes an initializer too, even when its inputs are not constant.
 */
import { Tensor, bitsPerElement, type Node } from '@onnx-ts/core';
import { evaluateNode } from '../evaluate.js';
import { makeNode, removeNodes } from '../graph.js';
import { staticSize } from '../shape-inference.js';
import type { Pass, PassContext } from './pass.js';

/** Domains whose ops the reference backend runs. */
const FOLDABLE_DOMAINS = new Set(['ai.onnx', 'ai.onnx.ml']);
/** Quantized weights stay quantized: folding their DequantizeLinear would store them as floats again. */
const NEVER_FOLDED = new Set(['DequantizeLinear']);

/** Whether the facts already show an output above the size cap (so the node is not even run). */
function tooLarge(ctx: PassContext, node: Node): boolean {
  return node.outputs.some((o) => {
    const f = ctx.facts.get(o);
    const n = staticSize(f?.shape);
    return n !== undefined && f?.type !== undefined && (n * bitsPerElement(f.type)) / 8 > ctx.options.maxFoldBytes;
  });
}

/**
 * Installs folded values: initializers, except for graph outputs, which stay produced by a Constant node (an
 * initializer is not a valid graph output everywhere).
 */
function installConstants(ctx: PassContext, node: Node, values: (Tensor | undefined)[]): void {
  const kept: Node[] = [];
  node.outputs.forEach((name, i) => {
    const t = values[i];
    if (!name || !t) return;
    if (ctx.index.graphOutputs.has(name)) {
      kept.push(makeNode('Constant', [], [name], ctx.names.fresh(`${node.name || node.opType}_folded`), [{ name: 'value', type: 'tensor', value: t }]));
    } else {
      ctx.graph.initializers.set(name, t);
    }
  });
  const at = ctx.graph.nodes.indexOf(node);
  ctx.graph.nodes.splice(at, 1, ...kept);
}

export const constantFolding: Pass = {
  name: 'constant-folding',
  level: 'basic',
  run(ctx) {
    let changes = 0;
    for (const node of [...ctx.graph.nodes]) {
      if (!FOLDABLE_DOMAINS.has(node.domain) || NEVER_FOLDED.has(node.opType)) continue;
      // A Constant node that defines a graph output is already as folded as it can be.
      if (node.opType === 'Constant' && node.outputs.some((o) => ctx.index.graphOutputs.has(o))) continue;
      const inputs = node.inputs.map((name) => (name ? ctx.index.constant(name) : undefined));
      if (node.inputs.some((name, i) => name && !inputs[i])) continue;
      if (tooLarge(ctx, node)) continue;
      const values = evaluateNode(node, inputs, ctx.model.opsetImports, ctx.options.maxFoldBytes, ctx.graph);
      if (!values) continue;
      installConstants(ctx, node, values);
      changes++;
    }
    if (changes) ctx.reindex();
    return changes;
  },
};

export const shapeFolding: Pass = {
  name: 'shape-folding',
  level: 'basic',
  run(ctx) {
    const folded: Node[] = [];
    for (const node of ctx.graph.nodes) {
      if (node.opType === 'Constant' || node.outputs.length !== 1) continue;
      const name = node.outputs[0];
      const f = ctx.facts.get(name);
      if (!name || ctx.index.graphOutputs.has(name) || !f?.value || !f.shape || f.shape.length > 1) continue;
      if ((f.type !== 'int64' && f.type !== 'int32') || !f.value.every((d) => typeof d === 'number')) continue;
      const values = f.value as number[];
      if (f.shape.length === 0 ? values.length !== 1 : f.shape[0] !== values.length) continue;
      const data = f.type === 'int64' ? BigInt64Array.from(values, BigInt) : Int32Array.from(values);
      ctx.graph.initializers.set(name, new Tensor(f.type, data, f.shape.length ? [values.length] : []));
      folded.push(node);
    }
    removeNodes(ctx.graph, folded);
    if (folded.length) ctx.reindex();
    return folded.length;
  },
};
