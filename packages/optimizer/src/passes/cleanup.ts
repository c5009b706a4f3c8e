/**
 * Clean-up passes: dead nodes and unused initializers, nodes that pass their input through unchanged (Identity,
 * inference-mode Dropout, no-op Cast/Reshape/...), common subexpressions, and transpose pairs.
 */
import { attr, freeVariables, readAttributes, subgraphsOf, type Dim, type Node, type Tensor } from '@onnx-ts/core';
import { isDeterministic } from '../evaluate.js';
import { removeNodes, replaceValue, sameAttributeValue, setAttribute } from '../graph.js';
import type { Pass, PassContext } from './pass.js';

export const deadCodeElimination: Pass = {
  name: 'dead-code-elimination',
  level: 'basic',
  run(ctx) {
    const g = ctx.graph;
    const live = new Set(g.outputs.map((o) => o.name));
    const dead: Node[] = [];
    for (let i = g.nodes.length - 1; i >= 0; i--) {
      const node = g.nodes[i];
      if (!node.outputs.some((o) => o && live.has(o))) {
        dead.push(node);
        continue;
      }
      for (const name of node.inputs) if (name) live.add(name);
      for (const sub of subgraphsOf(node)) for (const name of freeVariables(sub)) live.add(name);
    }
    removeNodes(g, dead);
    const inputs = new Set(g.inputs.map((v) => v.name));
    let removed = dead.length;
    for (const map of [g.initializers, g.sparseInitializers]) {
      for (const name of [...map.keys()]) {
        if (!live.has(name) && !inputs.has(name)) {
          map.delete(name);
          removed++;
        }
      }
    }
    const produced = new Set(g.nodes.flatMap((n) => n.outputs));
    g.valueInfo = g.valueInfo.filter((v) => produced.has(v.name));
    if (removed) ctx.reindex();
    return removed;
  },
};

const sameDims = (a: readonly Dim[] | undefined, b: readonly Dim[] | undefined): boolean =>
  !!a && !!b && a.length === b.length && a.every((d, i) => d !== null && d === b[i]);

/** Whether the trailing outputs past the first are unused, so the node is a function of output 0 only. */
function onlyFirstOutputUsed(ctx: PassContext, node: Node): boolean {
  return node.outputs.slice(1).every((o) => !o || !ctx.index.isUsed(o));
}

function isFalseConstant(t: Tensor | undefined): boolean {
  return !!t && t.size === 1 && Number((t.data as ArrayLike<number>)[0]) === 0;
}

/** The input a node passes through unchanged, or undefined when it is not a no-op. */
function passthroughInput(ctx: PassContext, node: Node): string | undefined {
  if (node.domain !== 'ai.onnx' || !node.inputs[0]) return undefined;
  const x = node.inputs[0];
  const inFacts = ctx.facts.get(x);
  const outFacts = ctx.facts.get(node.outputs[0]);
  const shapeKept = sameDims(inFacts?.shape, outFacts?.shape);
  const opset = ctx.opset();
  switch (node.opType) {
    case 'Identity':
      return x;
    case 'Dropout': {
      if (!onlyFirstOutputUsed(ctx, node)) return undefined;
      if (opset < 7) return readAttributes(node, { is_test: attr.int(0) }).is_test ? x : undefined;
      if (opset < 12) return x;
      const training = node.inputs[2];
      return !training || isFalseConstant(ctx.index.constant(training)) ? x : undefined;
    }
    case 'Cast':
      return inFacts?.type !== undefined && outFacts?.type === inFacts.type ? x : undefined;
    case 'CastLike':
      return inFacts?.type !== undefined && ctx.facts.get(node.inputs[1])?.type === inFacts.type ? x : undefined;
    case 'Reshape': case 'Flatten': case 'Expand': case 'Squeeze': case 'Unsqueeze':
      return shapeKept && inFacts?.type !== undefined ? x : undefined;
    case 'Transpose': {
      const { perm } = readAttributes(node, { perm: attr.ints() });
      const rank = inFacts?.shape?.length;
      if (perm) return perm.every((p, i) => p === i) ? x : undefined;
      return rank !== undefined && rank <= 1 ? x : undefined;
    }
    case 'Concat': case 'Sum': case 'Max': case 'Min': case 'Mean':
      return node.inputs.length === 1 ? x : undefined;
    default:
      return undefined;
  }
}

export const noopElimination: Pass = {
  name: 'noop-elimination',
  level: 'basic',
  run(ctx) {
    let changes = 0;
    for (const node of [...ctx.graph.nodes]) {
      const x = passthroughInput(ctx, node);
      if (x === undefined) continue;
      if (!replaceValue(ctx.index, node.outputs[0], x)) continue;
      removeNodes(ctx.graph, [node]);
      ctx.reindex();
      changes++;
    }
    return changes;
  },
};

/** A key grouping nodes that might compute the same thing; tensors compare by content afterwards. */
function nodeKey(node: Node): string {
  const attrs = [...node.attributes].sort((a, b) => a.name.localeCompare(b.name)).map((a) => {
    const v = a.value as unknown;
    const shown = a.type === 'tensor' ? `tensor:${(v as Tensor).type}[${(v as Tensor).dims}]` : JSON.stringify(v);
    return `${a.name}:${a.type}=${shown}`;
  });
  return `${node.domain}::${node.opType}(${node.inputs.join(',')})->${node.outputs.length}|${attrs.join(';')}`;
}

function sameAttributes(a: Node, b: Node): boolean {
  return a.attributes.length === b.attributes.length
    && a.attributes.every((x) => {
      const y = b.attributes.find((t) => t.name === x.name);
      return !!y && y.type === x.type && sameAttributeValue(x.value, y.value);
    });
}

/** 32-bit FNV-1a of a tensor's bytes, with its type and dims. */
function tensorHash(t: Tensor): string {
  const data = t.data as ArrayLike<unknown>;
  let h = 0x811c9dc5;
  if (ArrayBuffer.isView(data)) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  } else {
    for (const s of data as string[]) for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return `${t.type}[${t.dims}]#${(h >>> 0).toString(16)}`;
}

/** Initializers larger than this are not compared for duplicates. */
const MAX_DEDUP_ELEMENTS = 1 << 22;

export const commonSubexpressionElimination: Pass = {
  name: 'common-subexpression-elimination',
  level: 'basic',
  run(ctx) {
    let changes = 0;
    // Equal constants first, so nodes reading them become equal too.
    const seenConstants = new Map<string, [string, Tensor][]>();
    for (const [name, t] of ctx.graph.initializers) {
      if (!ctx.index.constant(name) || t.size > MAX_DEDUP_ELEMENTS) continue;
      const key = tensorHash(t);
      const group = seenConstants.get(key) ?? [];
      const twin = group.find(([, u]) => sameAttributeValue(t, u));
      if (twin && replaceValue(ctx.index, name, twin[0])) {
        changes++;
        ctx.reindex();
      } else {
        group.push([name, t]);
        seenConstants.set(key, group);
      }
    }
    const seen = new Map<string, Node[]>();
    for (const node of [...ctx.graph.nodes]) {
      if (!isDeterministic(node) || node.outputs.length === 0) continue;
      const key = nodeKey(node);
      const group = seen.get(key) ?? [];
      const twin = group.find((n) => sameAttributes(n, node));
      if (!twin) {
        group.push(node);
        seen.set(key, group);
        continue;
      }
      const movable = node.outputs.every((o) => !o || (!ctx.index.graphOutputs.has(o) && !ctx.index.readBySubgraph.has(o)));
      if (!movable && node.outputs.length !== 1) continue;
      if (!movable && !twin.outputs[0]) continue;
      let ok = true;
      node.outputs.forEach((o, i) => {
        if (!o) return;
        if (!twin.outputs[i]) {
          ok = false;
          return;
        }
        ok = replaceValue(ctx.index, o, twin.outputs[i]) && ok;
      });
      if (!ok) continue;
      removeNodes(ctx.graph, [node]);
      ctx.reindex();
      changes++;
    }
    return changes;
  },
};

export const transposeCancellation: Pass = {
  name: 'transpose-cancellation',
  level: 'basic',
  run(ctx) {
    let changes = 0;
    for (const outer of [...ctx.graph.nodes]) {
      if (outer.opType !== 'Transpose' || outer.domain !== 'ai.onnx') continue;
      const inner = ctx.index.producer.get(outer.inputs[0]);
      if (!inner || inner.opType !== 'Transpose' || inner.domain !== 'ai.onnx' || !ctx.graph.nodes.includes(inner)) continue;
      const rank = ctx.facts.get(inner.inputs[0])?.shape?.length;
      const permOf = (n: Node): number[] | undefined =>
        readAttributes(n, { perm: attr.ints() }).perm ?? (rank === undefined ? undefined : Array.from({ length: rank }, (_, i) => rank - 1 - i));
      const p1 = permOf(inner);
      const p2 = permOf(outer);
      if (!p1 || !p2 || p1.length !== p2.length) continue;
      const composed = p2.map((p) => p1[p]);
      if (composed.every((p, i) => p === i)) {
        if (!replaceValue(ctx.index, outer.outputs[0], inner.inputs[0])) continue;
        removeNodes(ctx.graph, [outer]);
      } else {
        outer.inputs = [inner.inputs[0]];
        setAttribute(outer, { name: 'perm', type: 'ints', value: composed });
      }
      ctx.reindex();
      changes++;
    }
    return changes;
  },
};
