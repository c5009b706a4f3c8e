/** Static analysis of IR graphs: free variables of subgraphs, topological order with cycle reports. */
import type { Graph, Node } from './ir.js';
import { describeNode, subgraphsOf } from './ir.js';

const freeCache = new WeakMap<Graph, Set<string>>();

/** Names a graph reads from enclosing scopes (used but neither produced, input nor initializer inside it). */
export function freeVariables(graph: Graph): Set<string> {
  const cached = freeCache.get(graph);
  if (cached) return cached;
  const defined = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.initializers.keys(), ...graph.sparseInitializers.keys()]);
  for (const n of graph.nodes) for (const o of n.outputs) if (o) defined.add(o);
  const free = new Set<string>();
  for (const n of graph.nodes) {
    for (const name of nodeReads(n)) if (!defined.has(name)) free.add(name);
  }
  for (const o of graph.outputs) if (!defined.has(o.name)) free.add(o.name);
  freeCache.set(graph, free);
  return free;
}

/** Everything a node reads: its inputs and the outer-scope names its subgraphs use. */
export function nodeReads(node: Node): string[] {
  const reads = node.inputs.filter((i) => i !== '');
  for (const g of subgraphsOf(node)) reads.push(...freeVariables(g));
  return reads;
}

/**
 * Orders nodes so every value is produced before it is read. `available` are names defined before any node runs
 * (inputs, initializers, outer scope). Throws naming the nodes caught in a cycle or waiting on a missing value.
 */
export function topologicalOrder(graph: Graph, available: (name: string) => boolean): Node[] {
  const producer = new Map<string, number>();
  graph.nodes.forEach((n, i) => {
    for (const o of n.outputs) {
      if (!o) continue;
      if (producer.has(o)) throw new Error(`graph '${graph.name}': value '${o}' is produced by two nodes`);
      producer.set(o, i);
    }
  });
  const waiting = new Array<number>(graph.nodes.length).fill(0);
  const consumers = new Map<number, number[]>();
  graph.nodes.forEach((n, i) => {
    const deps = new Set<number>();
    for (const name of nodeReads(n)) {
      const p = producer.get(name);
      if (p === undefined) {
        if (!available(name)) throw new Error(`graph '${graph.name}': ${describeNode(n)} reads '${name}', which nothing defines`);
        continue;
      }
      if (p === i) throw new Error(`graph '${graph.name}': ${describeNode(n)} reads its own output '${name}' (cycle)`);
      deps.add(p);
    }
    waiting[i] = deps.size;
    for (const p of deps) {
      const list = consumers.get(p) ?? [];
      list.push(i);
      consumers.set(p, list);
    }
  });
  const ready: number[] = [];
  waiting.forEach((w, i) => { if (w === 0) ready.push(i); });
  const order: Node[] = [];
  // Pop from the front to keep the file's order among independent nodes.
  for (let head = 0; head < ready.length; head++) {
    const i = ready[head];
    order.push(graph.nodes[i]);
    for (const c of consumers.get(i) ?? []) if (--waiting[c] === 0) ready.push(c);
  }
  if (order.length !== graph.nodes.length) {
    const stuck = graph.nodes.filter((_, i) => waiting[i] > 0).slice(0, 5).map(describeNode);
    throw new Error(`graph '${graph.name}' has a cycle through ${stuck.join(', ')}`);
  }
  for (const o of graph.outputs) {
    if (!producer.has(o.name) && !available(o.name)) throw new Error(`graph '${graph.name}': output '${o.name}' is never produced`);
  }
  return order;
}
