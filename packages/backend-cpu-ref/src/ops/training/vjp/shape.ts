/** Gradient rules of the ops that only move elements: the gradient moves back the same way. */
import { attr, readAttributes, type Tensor } from '@onnx-ts/core';
import { inversePermutation, reshaped, sumTo } from '../grad-math.js';
import type { VjpRule } from './rule.js';

/** Ops that keep the elements in order under new dims: the gradient takes the input's dims back. */
const sameOrderRule: VjpRule = ({ inputs, grad }) => [reshaped(grad, (inputs[0] as Tensor).dims)];

const transposeRule: VjpRule = async ({ node, inputs, grad, replay }) => {
  const rank = (inputs[0] as Tensor).dims.length;
  const { perm } = readAttributes(node, { perm: attr.ints() });
  const forward = perm ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  return [await replay.runOp('Transpose', [grad], { perm: inversePermutation(forward) })];
};

/** Expand broadcasts its input, so the gradient sums over the broadcast axes. */
const expandRule: VjpRule = ({ inputs, grad }) => [sumTo(grad, (inputs[0] as Tensor).dims)];

export const shapeRules: Record<string, VjpRule> = {
  Identity: sameOrderRule,
  Reshape: sameOrderRule,
  Flatten: sameOrderRule,
  Squeeze: sameOrderRule,
  Unsqueeze: sameOrderRule,
  Transpose: transposeRule,
  Expand: expandRule,
};
