/**
 * Gradient rules of the matrix products. For Y = A·B with incoming gradient G: dA = G·Bᵀ and dB = Aᵀ·G, computed
 * by the reference MatMul and Transpose kernels in float64.
 */
import { attr, readAttributes, type Tensor } from '@onnx-ts/core';
import { asFloat64, reshaped, scaled, sumTo } from '../grad-math.js';
import type { Replay } from '../replay.js';
import type { VjpRule } from './rule.js';

/** Swaps the last two axes. */
function transposed(replay: Replay, t: Tensor): Promise<Tensor> {
  const rank = t.dims.length;
  const perm = t.dims.map((_, i) => (i < rank - 2 ? i : 2 * rank - 3 - i));
  return replay.runOp('Transpose', [t], { perm });
}

/**
 * MatMul with numpy semantics: a 1-D A is a row [1, K], a 1-D B a column [K, 1], and batch dims broadcast, so each
 * operand's gradient is summed over the batch dims it was broadcast along.
 */
const matMulRule: VjpRule = async ({ inputs, grad, needs, replay }) => {
  const a = asFloat64(inputs[0] as Tensor);
  const b = asFloat64(inputs[1] as Tensor);
  const aDims = a.dims.length === 1 ? [1, a.dims[0]] : a.dims;
  const bDims = b.dims.length === 1 ? [b.dims[0], 1] : b.dims;
  // The output without the unit dims a 1-D operand dropped.
  const batchRank = grad.dims.length - (a.dims.length === 1 ? 0 : 1) - (b.dims.length === 1 ? 0 : 1);
  const g = reshaped(grad, [...grad.dims.slice(0, batchRank), aDims[aDims.length - 2], bDims[bDims.length - 1]]);
  const dA = needs[0]
    ? reshaped(sumTo(await replay.runOp('MatMul', [g, await transposed(replay, reshaped(b, bDims))]), aDims), a.dims)
    : undefined;
  const dB = needs[1]
    ? reshaped(sumTo(await replay.runOp('MatMul', [await transposed(replay, reshaped(a, aDims)), g]), bDims), b.dims)
    : undefined;
  return [dA, dB];
};

/** Gemm: Y = alpha·op(A)·op(B) + beta·C, op transposing when transA/transB is set; C broadcasts to Y. */
const gemmRule: VjpRule = async ({ node, inputs, grad, needs, replay }) => {
  const { alpha, beta, transA, transB } = readAttributes(node, {
    alpha: attr.float(1), beta: attr.float(1), transA: attr.int(0), transB: attr.int(0),
  });
  const a = asFloat64(inputs[0] as Tensor);
  const b = asFloat64(inputs[1] as Tensor);
  const c = inputs[2] as Tensor | undefined;
  const opA = transA ? await transposed(replay, a) : a;
  const opB = transB ? await transposed(replay, b) : b;
  let dA: Tensor | undefined;
  if (needs[0]) {
    const dOpA = scaled(await replay.runOp('MatMul', [grad, await transposed(replay, opB)]), alpha);
    dA = transA ? await transposed(replay, dOpA) : dOpA;
  }
  let dB: Tensor | undefined;
  if (needs[1]) {
    const dOpB = scaled(await replay.runOp('MatMul', [await transposed(replay, opA), grad]), alpha);
    dB = transB ? await transposed(replay, dOpB) : dOpB;
  }
  const dC = needs[2] && c ? sumTo(scaled(grad, beta), c.dims) : undefined;
  return [dA, dB, dC];
};

export const linearRules: Record<string, VjpRule> = { MatMul: matMulRule, Gemm: gemmRule };
