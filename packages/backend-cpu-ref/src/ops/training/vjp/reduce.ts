/** Gradient rules of the reductions and of the softmax family, which normalize groups of elements. */
import { attr, normalizeAxis, readAttributes, shapeSize, Tensor } from '@onnx-ts/core';
import { toNumbers } from '../../../util/elementwise.js';
import { broadcastValues, float64, reshaped, sumTo, valuesOf } from '../grad-math.js';
import type { VjpRule } from './rule.js';

/**
 * ReduceSum spreads the gradient of each sum back over its group; ReduceMean also divides by the group size. The axes
 * come from the attribute (before opset 13/18) or the optional input (from then on); no axes reduce all of them,
 * unless noop_with_empty_axes makes the op an identity.
 */
function reductionRule(mean: boolean): VjpRule {
  return ({ node, inputs, grad }) => {
    const x = inputs[0] as Tensor;
    const { axes, noop_with_empty_axes } = readAttributes(node, { axes: attr.ints(), noop_with_empty_axes: attr.int(0) });
    const axesInput = inputs[1];
    const listed = axes ?? (axesInput instanceof Tensor ? Array.from(toNumbers(axesInput)) : []);
    if (listed.length === 0 && noop_with_empty_axes) return [reshaped(grad, x.dims)];
    const rank = x.dims.length;
    const reduced = listed.length > 0 ? listed.map((a) => normalizeAxis(a, rank)) : x.dims.map((_, i) => i);
    const kept = x.dims.map((d, i) => (reduced.includes(i) ? 1 : d));
    const spread = broadcastValues(reshaped(grad, kept), x.dims);
    if (mean) {
      const count = shapeSize(x.dims) / Math.max(1, shapeSize(kept));
      for (let i = 0; i < spread.length; i++) spread[i] /= count;
    }
    return [float64(spread, x.dims)];
  };
}

/** The axes each softmax group spans: all axes from `axis` (default 1) before opset 13, only `axis` (default -1) from 13. */
function groupAxes(axis: number | undefined, since: number, rank: number): number[] {
  if (since >= 13) return [normalizeAxis(axis ?? -1, rank)];
  const given = axis ?? 1;
  const first = given < 0 ? given + rank : given;
  return Array.from({ length: rank - first }, (_, i) => first + i);
}

/**
 * Softmax y and LogSoftmax l = log y, per group: dx = y·(g - Σ g·y) and dx = g - y·Σ g, the sums over the group
 * (sumTo a shape with the group axes at 1, broadcast back).
 */
function softmaxRule(log: boolean): VjpRule {
  return ({ node, output, grad, since }) => {
    const { axis } = readAttributes(node, { axis: attr.int() });
    const dims = output.dims;
    const group = groupAxes(axis, since, dims.length);
    const kept = dims.map((d, i) => (group.includes(i) ? 1 : d));
    const g = valuesOf(grad);
    const y = valuesOf(output);
    const probabilities = log ? y.map(Math.exp) : y;
    const weighted = log ? g : g.map((v, i) => v * y[i]);
    const groupSums = broadcastValues(sumTo(float64(weighted, dims), kept), dims);
    const dx = new Float64Array(g.length);
    for (let i = 0; i < dx.length; i++) {
      dx[i] = log ? g[i] - probabilities[i] * groupSums[i] : y[i] * (g[i] - groupSums[i]);
    }
    return [float64(dx, dims)];
  };
}

export const reduceRules: Record<string, VjpRule> = {
  ReduceSum: reductionRule(false),
  ReduceMean: reductionRule(true),
  Softmax: softmaxRule(false),
  LogSoftmax: softmaxRule(true),
};
