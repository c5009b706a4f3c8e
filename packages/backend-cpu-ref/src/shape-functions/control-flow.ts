/** Shape functions of control flow and container ops: If from what both branches declare, sizes and presence flags. */
import { attr, typeFacts, type Dim, type Graph, type ShapeFunction, type ValueFacts } from '@onnx-ts/core';

/** The facts two declarations share: the type when equal, dims where equal (null elsewhere), a rank only when equal. */
function agreement(a: ValueFacts, b: ValueFacts): ValueFacts {
  const type = a.type === b.type ? a.type : undefined;
  if (!a.shape || !b.shape || a.shape.length !== b.shape.length) return { type };
  return { type, shape: a.shape.map((d, i): Dim => (d === b.shape![i] ? d : null)) };
}

export const controlFlowShapes: Record<string, ShapeFunction> = {
  SequenceLength: () => [{ type: 'int64', shape: [] }],
  OptionalHasElement: () => [{ type: 'bool', shape: [] }],
  If: (c) => {
    const a = c.attrs({ then_branch: attr.graph.required(), else_branch: attr.graph.required() });
    const declared = (g: Graph, i: number): ValueFacts => typeFacts(g.outputs[i]?.type);
    return c.node.outputs.map((_, i) => agreement(declared(a.then_branch, i), declared(a.else_branch, i)));
  },
};
