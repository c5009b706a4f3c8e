/**
 * Editing IR graphs: copies, producer/consumer indexes, constants, fresh names, and rewiring a value to another so
 * a node can be removed without changing the graph's interface.
 */
import {
  Tensor, freeVariables, subgraphsOf, topologicalOrder, type Attribute, type Graph, type Model, type Node,
} from '@onnx-ts/core';

/** A copy of the model whose graph, nodes and initializer map can be edited without touching the original. */
export function cloneModel(model: Model): Model {
  return {
    ...model,
    opsetImports: new Map(model.opsetImports),
    graph: cloneGraph(model.graph),
    functions: [...model.functions],
    metadata: new Map(model.metadata),
  };
}

export function cloneGraph(graph: Graph): Graph {
  return {
    ...graph,
    nodes: graph.nodes.map(cloneNode),
    inputs: [...graph.inputs],
    outputs: [...graph.outputs],
    initializers: new Map(graph.initializers),
    sparseInitializers: new Map(graph.sparseInitializers),
    valueInfo: [...graph.valueInfo],
  };
}

export function cloneNode(node: Node): Node {
  return { ...node, inputs: [...node.inputs], outputs: [...node.outputs], attributes: [...node.attributes] };
}

/**
 * IR 3 lists every initializer among the graph inputs, yet they are constants. From IR 4 on, an initializer that is
 * also an input is only a default the caller may override. Normalizes an IR 3 model to IR 4 without those inputs.
 */
export function normalizeInitializerInputs(model: Model): void {
  if (model.irVersion >= 4) return;
  const g = model.graph;
  g.inputs = g.inputs.filter((v) => !g.initializers.has(v.name) && !g.sparseInitializers.has(v.name));
  model.irVersion = 4;
}

/** Indexes of a graph, rebuilt after each edit by the passes that need them. */
export class GraphIndex {
  readonly producer = new Map<string, Node>();
  /** Nodes reading each value, through an input or through a subgraph attribute. */
  readonly consumers = new Map<string, Node[]>();
  /** Values read by a subgraph of some node: renaming them would need the subgraph rewritten too. */
  readonly readBySubgraph = new Set<string>();
  readonly graphOutputs: Set<string>;
  readonly graphInputs: Set<string>;

  constructor(readonly graph: Graph) {
    this.graphOutputs = new Set(graph.outputs.map((o) => o.name));
    this.graphInputs = new Set(graph.inputs.map((i) => i.name));
    for (const node of graph.nodes) {
      for (const o of node.outputs) if (o) this.producer.set(o, node);
      const reads = new Set(node.inputs.filter((i) => i !== ''));
      for (const g of subgraphsOf(node)) {
        for (const name of freeVariables(g)) {
          reads.add(name);
          this.readBySubgraph.add(name);
        }
      }
      for (const name of reads) {
        const list = this.consumers.get(name) ?? [];
        list.push(node);
        this.consumers.set(name, list);
      }
    }
  }

  consumersOf(name: string): Node[] {
    return this.consumers.get(name) ?? [];
  }

  /** Used by a node, a subgraph, or as a graph output. */
  isUsed(name: string): boolean {
    return this.graphOutputs.has(name) || this.consumersOf(name).length > 0;
  }

  /** The single node reading `name`, when nothing else (graph output, another node) does. */
  soleConsumer(name: string): Node | undefined {
    const list = this.consumersOf(name);
    if (list.length !== 1 || this.graphOutputs.has(name) || this.readBySubgraph.has(name)) return undefined;
    // A node reading the value twice (Mul(x, x)) still counts as one consumer.
    return list[0];
  }

  /** The constant tensor a value holds: a non-overridable initializer (see normalizeInitializerInputs). */
  constant(name: string): Tensor | undefined {
    if (!name || this.graphInputs.has(name)) return undefined;
    return this.graph.initializers.get(name);
  }
}

/** Hands out names that collide with no value or node name of the model, subgraphs included. */
export class NameScope {
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(model: Model) {
    const visit = (g: Graph): void => {
      for (const v of [...g.inputs, ...g.outputs, ...g.valueInfo]) this.used.add(v.name);
      for (const k of g.initializers.keys()) this.used.add(k);
      for (const k of g.sparseInitializers.keys()) this.used.add(k);
      for (const n of g.nodes) {
        this.used.add(n.name);
        for (const v of [...n.inputs, ...n.outputs]) this.used.add(v);
        subgraphsOf(n).forEach(visit);
      }
    };
    visit(model.graph);
  }

  fresh(base: string): string {
    let name = base;
    while (this.used.has(name)) name = `${base}_${++this.counter}`;
    this.used.add(name);
    return name;
  }
}

/**
 * Makes every reader of `from` read `to` instead, so the node producing `from` can go. When `from` is a graph output
 * the output keeps its name: the producer of `to` is renamed to produce `from` (possible only when `to` is a local,
 * non-output value). Returns false when the rewiring is impossible; the graph is then unchanged.
 */
export function replaceValue(index: GraphIndex, from: string, to: string): boolean {
  const g = index.graph;
  if (from === to) return true;
  if (index.readBySubgraph.has(from)) return false;
  if (!index.graphOutputs.has(from)) {
    for (const node of index.consumersOf(from)) node.inputs = node.inputs.map((i) => (i === from ? to : i));
    return true;
  }
  const producer = index.producer.get(to);
  if (!producer || index.graphOutputs.has(to) || index.readBySubgraph.has(to) || index.graphInputs.has(to)) return false;
  producer.outputs = producer.outputs.map((o) => (o === to ? from : o));
  for (const node of index.consumersOf(to)) node.inputs = node.inputs.map((i) => (i === to ? from : i));
  g.valueInfo = g.valueInfo.filter((v) => v.name !== to);
  return true;
}

/** Removes nodes from the graph (by identity). */
export function removeNodes(graph: Graph, nodes: Iterable<Node>): void {
  const gone = new Set(nodes);
  graph.nodes = graph.nodes.filter((n) => !gone.has(n));
}

/** Puts nodes back into an order where every value is produced before it is read (file order kept otherwise). */
export function sortTopologically(graph: Graph, outerNames: (name: string) => boolean = () => false): void {
  const defined = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.initializers.keys(), ...graph.sparseInitializers.keys()]);
  graph.nodes = topologicalOrder(graph, (name) => defined.has(name) || outerNames(name));
}

/** A node built by a pass. */
export function makeNode(opType: string, inputs: string[], outputs: string[], name: string, attributes: Attribute[] = [], domain = 'ai.onnx'): Node {
  return { name, opType, domain, inputs, outputs, attributes };
}

/** Replaces (or adds) an attribute of a node. */
export function setAttribute(node: Node, attribute: Attribute): void {
  node.attributes = [...node.attributes.filter((a) => a.name !== attribute.name), attribute];
}

/** Deep equality of attribute values (numbers, strings, arrays, tensors); graphs compare by identity. */
export function sameAttributeValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameAttributeValue(x, b[i]));
  if (a instanceof Tensor && b instanceof Tensor) return sameTensor(a, b);
  return false;
}

/** Same element type, dims and stored data. */
export function sameTensor(a: Tensor, b: Tensor): boolean {
  if (a.type !== b.type || a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) return false;
  const x = a.data as ArrayLike<unknown>;
  const y = b.data as ArrayLike<unknown>;
  if (x.length !== y.length) return false;
  if (ArrayBuffer.isView(x) && ArrayBuffer.isView(y)) {
    const bx = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    const by = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
    for (let i = 0; i < bx.length; i++) if (bx[i] !== by[i]) return false;
    return true;
  }
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
