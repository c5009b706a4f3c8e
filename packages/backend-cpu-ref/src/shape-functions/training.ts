/** Shape functions of the ai.onnx.preview.training optimizers: each updated tensor has the shape of the one it replaces. */
import type { ShapeFunction } from '@onnx-ts/core';
import { each } from './common.js';

/**
 * Inputs are R, T, then n tensors per group (X, G, then the optimizer's states); outputs are the new X and states,
 * without the gradients G, so output j stands for input 2 + j, or 2 + n + j past the X group.
 */
const updated: ShapeFunction = (c) => {
  const n = c.node.inputs.length - 2 - c.node.outputs.length;
  if (n <= 0) return [];
  return c.node.outputs.map((_, j) => {
    const source = c.input(2 + j + (j >= n ? n : 0));
    return { type: source.type, shape: source.shape };
  });
};

export const trainingShapes: Record<string, ShapeFunction> = each(['Adagrad', 'Momentum', 'Adam'], updated);
