/** The part of a graph that a Gradient node differentiates: the nodes computing y from xs, zs and constants. */
import { densify, describeNode, type Graph, type Node, type Tensor } from '@onnx-ts/core';

export interface DifferentiatedSlice {
  /** The nodes y depends on, producers before consumers, none of them upstream of a name in xs or zs. */
  nodes: Node[];
  /** The initializers those nodes read. */
  constants: Map<string, Tensor>;
}

/**
 * Walks back from y, stopping at `sources` (the names in xs and zs, which may be intermediate values: Gradient
 * evaluates the graph at the values it is given for them) and at initializers. Any other value y needs makes the
 * differentiated function ill-defined, and is an error.
 */
export function differentiatedSlice(graph: Graph, y: string, sources: ReadonlySet<string>): DifferentiatedSlice {
  const producers = new Map<string, Node>();
  for (const node of graph.nodes) for (const name of node.outputs) if (name) producers.set(name, node);
  const constants = new Map<string, Tensor>();

  /** The node to visit for a value, or undefined when the value is a source or a constant. */
  const producerOf = (name: string, reader: Node | undefined): Node | undefined => {
    if (name === '' || sources.has(name)) return undefined;
    const producer = producers.get(name);
    if (producer) return producer;
    const constant = graph.initializers.get(name) ?? graph.sparseInitializers.get(name);
    if (constant) {
      constants.set(name, 'indices' in constant ? densify(constant) : constant);
      return undefined;
    }
    const where = reader ? `${describeNode(reader)} reads '${name}'` : `y '${name}'`;
    throw new Error(
      `Gradient: ${where}, which is neither named in xs or zs, nor an initializer, nor computed by a node of the graph`,
    );
  };

  // Depth-first, iteratively so that long chains cannot overflow the stack; post-order gives producers first.
  const nodes: Node[] = [];
  const state = new Map<Node, 'open' | 'done'>();
  const root = producerOf(y, undefined);
  const stack: { node: Node; next: number }[] = root ? [{ node: root, next: 0 }] : [];
  if (root) state.set(root, 'open');
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next === top.node.inputs.length) {
      stack.pop();
      state.set(top.node, 'done');
      nodes.push(top.node);
      continue;
    }
    const dependency = producerOf(top.node.inputs[top.next++], top.node);
    if (!dependency) continue;
    const seen = state.get(dependency);
    if (seen === 'open') throw new Error(`Gradient: the graph has a cycle through ${describeNode(dependency)}`);
    if (seen === undefined) {
      state.set(dependency, 'open');
      stack.push({ node: dependency, next: 0 });
    }
  }
  return { nodes, constants };
}
