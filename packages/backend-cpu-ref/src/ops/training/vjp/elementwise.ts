/** Gradient rules of the elementwise ops: local derivatives times the incoming gradient, summed over broadcasting. */
import { attr, readAttributes, type Node, type Tensor } from '@onnx-ts/core';
import { broadcastValues, float64, reshaped, sumTo, valuesOf } from '../grad-math.js';
import type { VjpRule } from './rule.js';

/** The incoming gradient g times the derivative of one operand, from g, the operands and the output at one element. */
type Partial = (g: number, a: number, b: number, y: number) => number;

/** The same for a unary op, from g, its operand and its output. */
type UnaryPartial = (g: number, x: number, y: number) => number;

function applyPartial(partial: Partial, g: Float64Array, a: Float64Array, b: Float64Array, y: Float64Array): Float64Array {
  const out = new Float64Array(g.length);
  for (let i = 0; i < out.length; i++) out[i] = partial(g[i], a[i], b[i], y[i]);
  return out;
}

/**
 * The dims B had once lined up with A: before opset 7, `broadcast=1` with `axis` places B's dims at A's axis `axis`
 * rather than at A's trailing dims, which is numpy broadcasting of B padded with trailing 1s.
 */
function alignedDims(node: Node, a: Tensor, b: Tensor): readonly number[] {
  const { axis } = readAttributes(node, { axis: attr.int() });
  if (axis === undefined) return b.dims;
  const first = axis < 0 ? axis + a.dims.length : axis;
  return [...b.dims, ...new Array<number>(Math.max(0, a.dims.length - first - b.dims.length)).fill(1)];
}

function binaryRule(da: Partial, db: Partial): VjpRule {
  return ({ node, inputs, output, grad, needs }) => {
    const a = inputs[0] as Tensor;
    const b = inputs[1] as Tensor;
    const bDims = alignedDims(node, a, b);
    const g = valuesOf(grad);
    const av = broadcastValues(a, grad.dims);
    const bv = broadcastValues(reshaped(b, bDims), grad.dims);
    const y = valuesOf(output);
    const gradOf = (partial: Partial, dims: readonly number[]): Tensor =>
      sumTo(float64(applyPartial(partial, g, av, bv, y), grad.dims), dims);
    return [
      needs[0] ? gradOf(da, a.dims) : undefined,
      needs[1] ? reshaped(gradOf(db, bDims), b.dims) : undefined,
    ];
  };
}

function unaryRule(dx: UnaryPartial): VjpRule {
  return ({ inputs, output, grad }) => {
    const x = valuesOf(inputs[0] as Tensor);
    const partial: Partial = (g, a, _b, y) => dx(g, a, y);
    return [float64(applyPartial(partial, valuesOf(grad), x, x, valuesOf(output)), grad.dims)];
  };
}

/** Sum: every input receives the gradient, summed over the axes it was broadcast along. */
const sumRule: VjpRule = ({ inputs, grad, needs }) =>
  inputs.map((t, i) => (needs[i] ? sumTo(grad, (t as Tensor).dims) : undefined));

export const elementwiseRules: Record<string, VjpRule> = {
  Add: binaryRule((g) => g, (g) => g),
  Sub: binaryRule((g) => g, (g) => -g),
  Mul: binaryRule((g, _a, b) => g * b, (g, a) => g * a),
  // y = a / b: dy/db = -a / b² = -y / b.
  Div: binaryRule((g, _a, b) => g / b, (g, _a, b, y) => (-g * y) / b),
  // y = a^b: dy/da = b·a^(b-1); dy/db = y·ln(a), real only for a > 0.
  Pow: binaryRule((g, a, b) => g * b * a ** (b - 1), (g, a, _b, y) => g * y * Math.log(a)),
  Sum: sumRule,
  Neg: unaryRule((g) => -g),
  // The subgradient 0 at x = 0, as frameworks take it.
  Relu: unaryRule((g, x) => (x > 0 ? g : 0)),
  Sigmoid: unaryRule((g, _x, y) => g * y * (1 - y)),
  Tanh: unaryRule((g, _x, y) => g * (1 - y * y)),
  Exp: unaryRule((g, _x, y) => g * y),
  Log: unaryRule((g, x) => g / x),
  Sqrt: unaryRule((g, _x, y) => g / (2 * y)),
};
