/**
 * Shape functions of control flow and optional ops: If, Loop and Scan from what their bodies declare, presence flags.
 */
import { attr, normalizeAxis, type Dim, type ShapeFunction, type ValueFacts } from '@onnx-ts/core';
import { agreement, declaredOutput, passThrough } from './common.js';

/** A value a body carries across iterations: as it came in when no iteration runs, else as the body leaves it. */
const carried = (initial: ValueFacts, fromBody: ValueFacts): ValueFacts => ({ ...agreement(initial, fromBody), type: initial.type ?? fromBody.type });

/** A per-iteration value stacked along `axis` into `count` entries; the rank is unknown when the value's is. */
function stacked(each: ValueFacts, count: Dim, axis: number): ValueFacts {
  if (!each.shape) return { type: each.type };
  const at = normalizeAxis(axis, each.shape.length + 1);
  return { type: each.type, shape: [...each.shape.slice(0, at), count, ...each.shape.slice(at)] };
}

/**
 * Loop: body outputs are (cond, carried..., scan outputs...). A carried value ends as its initial value when no
 * iteration runs, else as the body makes it, so only what both share holds; scan outputs gain a leading trip axis.
 */
const loop: ShapeFunction = (c) => {
  const body = c.attrs({ body: attr.graph.required() }).body;
  const states = c.node.inputs.length - 2;
  return c.node.outputs.map((_, i) => {
    const fromBody = declaredOutput(body, i + 1);
    if (i < states) return carried(c.input(i + 2), fromBody);
    return stacked(fromBody, null, 0);
  });
};

/**
 * Scan (opset 9 on): inputs are the initial states then the scan inputs; the body maps (states, one slice of each
 * scan input) to (states, one slice of each scan output). The iteration count is scan input 0's length on its axis.
 */
const scan: ShapeFunction = (c) => {
  if (c.opset < 9) return [];
  const a = c.attrs({ body: attr.graph.required(), num_scan_inputs: attr.int.required(), scan_input_axes: attr.ints(), scan_output_axes: attr.ints() });
  const states = c.node.inputs.length - a.num_scan_inputs;
  const first = c.input(states).shape;
  const inputAxis = a.scan_input_axes?.[0] ?? 0;
  const count = first ? first[normalizeAxis(inputAxis, first.length)] ?? null : null;
  return c.node.outputs.map((_, i) => {
    const fromBody = declaredOutput(a.body, i);
    if (i < states) return carried(c.input(i), fromBody);
    return stacked(fromBody, count, a.scan_output_axes?.[i - states] ?? 0);
  });
};

export const controlFlowShapes: Record<string, ShapeFunction> = {
  OptionalHasElement: () => [{ type: 'bool', shape: [] }],
  // An optional's contents have no facts; a plain tensor or sequence input passes through.
  OptionalGetElement: passThrough,
  Identity: passThrough,
  If: (c) => {
    const a = c.attrs({ then_branch: attr.graph.required(), else_branch: attr.graph.required() });
    return c.node.outputs.map((_, i) => agreement(declaredOutput(a.then_branch, i), declaredOutput(a.else_branch, i)));
  },
  Loop: loop,
  Scan: scan,
};
