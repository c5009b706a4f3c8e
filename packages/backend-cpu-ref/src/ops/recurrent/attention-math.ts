/**
 * Scaled dot-product attention pieces shared by Attention and FlexAttention: Q/K/V as [batch, heads, seq, dim]
 * numbers, the score matrix Q·Kᵀ·scale with grouped-query head sharing, the row softmax, and probs·V.
 */
import type { KernelContext, Tensor } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';
import { gemm } from '../../util/gemm.js';

/** A [batch, heads, seq, dim] tensor as numbers, row-major. */
export interface Heads {
  data: Float64Array;
  batch: number;
  heads: number;
  seq: number;
  dim: number;
}

/**
 * A 4-D [batch, heads, seq, dim] input as is, or a 3-D [batch, seq, heads*dim] input split into `numHeads` heads
 * (which the 3-D form requires).
 */
export function headsOf(op: string, name: string, t: Tensor, numHeads: number | undefined): Heads {
  if (t.dims.length === 4) {
    const [batch, heads, seq, dim] = t.dims;
    return { data: toNumbers(t), batch, heads, seq, dim };
  }
  if (t.dims.length !== 3) throw new Error(`${op}: input '${name}' should have rank 3 or 4, got [${t.dims.join(', ')}]`);
  const [batch, seq, hidden] = t.dims;
  if (numHeads === undefined || numHeads <= 0 || hidden % numHeads !== 0) {
    throw new Error(`${op}: 3-D input '${name}' [${t.dims.join(', ')}] needs a head count that divides ${hidden}, got ${numHeads}`);
  }
  const dim = hidden / numHeads;
  return { data: splitHeads(toNumbers(t), batch, seq, numHeads, dim), batch, heads: numHeads, seq, dim };
}

/** [batch, seq, heads*dim] → [batch, heads, seq, dim]. */
export function splitHeads(data: Float64Array, batch: number, seq: number, heads: number, dim: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < seq; s++) {
      for (let h = 0; h < heads; h++) {
        const from = ((b * seq + s) * heads + h) * dim;
        out.set(data.subarray(from, from + dim), ((b * heads + h) * seq + s) * dim);
      }
    }
  }
  return out;
}

/** [batch, heads, seq, dim] → [batch, seq, heads*dim]. */
export function mergeHeads(data: Float64Array, batch: number, heads: number, seq: number, dim: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let s = 0; s < seq; s++) {
        const from = ((b * heads + h) * seq + s) * dim;
        out.set(data.subarray(from, from + dim), ((b * seq + s) * heads + h) * dim);
      }
    }
  }
  return out;
}

/** Checks that K and V fit Q: same batch, K/V heads alike and dividing Q's heads, K's dim = Q's, K/V seq alike. */
export function checkAttentionShapes(op: string, q: Heads, k: Heads, v: Heads): void {
  if (k.batch !== q.batch || v.batch !== q.batch) {
    throw new Error(`${op}: Q, K and V should have the same batch size, got ${q.batch}, ${k.batch} and ${v.batch}`);
  }
  if (k.heads !== v.heads) throw new Error(`${op}: K and V should have the same number of heads, got ${k.heads} and ${v.heads}`);
  if (q.heads % k.heads !== 0) {
    throw new Error(`${op}: the ${q.heads} query heads should be a multiple of the ${k.heads} key/value heads`);
  }
  if (k.dim !== q.dim) throw new Error(`${op}: Q and K should have the same head size, got ${q.dim} and ${k.dim}`);
  if (k.seq !== v.seq) throw new Error(`${op}: K and V should have the same sequence length, got ${k.seq} and ${v.seq}`);
}

/** Q·Kᵀ·scale as [batch, q_heads, q_seq, kv_seq]; query head h reads key head floor(h / (q_heads / kv_heads)). */
export function attentionScores(q: Heads, k: Heads, scale: number, ctx: KernelContext): Float64Array {
  const size = q.batch * q.heads * q.seq * k.seq;
  ctx.checkAllocation('float64', size);
  const scores = new Float64Array(size);
  const group = q.heads / k.heads;
  for (let b = 0; b < q.batch; b++) {
    for (let h = 0; h < q.heads; h++) {
      const kvHead = b * k.heads + Math.floor(h / group);
      gemm({
        transA: false, transB: true, M: q.seq, N: k.seq, K: q.dim, alpha: scale,
        a: q.data, aOffset: (b * q.heads + h) * q.seq * q.dim, lda: q.dim,
        b: k.data, bOffset: kvHead * k.seq * k.dim, ldb: k.dim,
        beta: 0, c: scores, cOffset: (b * q.heads + h) * q.seq * k.seq, ldc: k.seq,
      });
    }
  }
  return scores;
}

/** Softmax over each row of `rowLength` values, in place. A row of only -Infinity gives NaN, as exp/sum does. */
export function softmaxRows(data: Float64Array, rowLength: number): void {
  for (let start = 0; start < data.length; start += rowLength) {
    const end = start + rowLength;
    let max = -Infinity;
    for (let i = start; i < end; i++) if (data[i] > max) max = data[i];
    let sum = 0;
    for (let i = start; i < end; i++) {
      data[i] = Math.exp(data[i] - max);
      sum += data[i];
    }
    for (let i = start; i < end; i++) data[i] /= sum;
  }
}

/** probs·V as [batch, q_heads, q_seq, v_dim], with the same head sharing as the scores. */
export function attendValues(probs: Float64Array, q: Heads, v: Heads, ctx: KernelContext): Float64Array {
  const size = q.batch * q.heads * q.seq * v.dim;
  ctx.checkAllocation('float64', size);
  const out = new Float64Array(size);
  const group = q.heads / v.heads;
  for (let b = 0; b < q.batch; b++) {
    for (let h = 0; h < q.heads; h++) {
      const kvHead = b * v.heads + Math.floor(h / group);
      gemm({
        transA: false, transB: false, M: q.seq, N: v.dim, K: v.seq, alpha: 1,
        a: probs, aOffset: (b * q.heads + h) * q.seq * v.seq, lda: v.seq,
        b: v.data, bOffset: kvHead * v.seq * v.dim, ldb: v.dim,
        beta: 0, c: out, cOffset: (b * q.heads + h) * q.seq * v.dim, ldc: v.dim,
      });
    }
  }
  return out;
}
