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
  return { data: swapMiddleAxes(toNumbers(t), batch, seq, numHeads, dim), batch, heads: numHeads, seq, dim };
}

/** [batch, first, second, dim] → [batch, second, first, dim]: splits or merges the heads of a packed layout. */
export function swapMiddleAxes(data: Float64Array, batch: number, first: number, second: number, dim: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < first; i++) {
      for (let j = 0; j < second; j++) {
        const from = ((b * first + i) * second + j) * dim;
        out.set(data.subarray(from, from + dim), ((b * second + j) * first + i) * dim);
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

/**
 * For every batch entry and query head h: alpha · A[b, h] · op(B[b, kvHead]), op transposing when `transB`, with
 * kvHead = floor(h / (q_heads / kv_heads)) (grouped-query sharing). A blocks are rows×inner; B blocks inner×cols
 * (cols×inner when transposed); the result is [batch, q_heads, rows, cols].
 */
function headProducts(
  batch: number, qHeads: number, kvHeads: number, rows: number, cols: number, inner: number,
  a: Float64Array, b: Float64Array, transB: boolean, alpha: number, ctx: KernelContext,
): Float64Array {
  const size = batch * qHeads * rows * cols;
  ctx.checkAllocation('float64', size);
  const out = new Float64Array(size);
  const group = qHeads / kvHeads;
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < qHeads; h++) {
      const head = n * qHeads + h;
      const kvHead = n * kvHeads + Math.floor(h / group);
      gemm({
        transA: false, transB, M: rows, N: cols, K: inner, alpha,
        a, aOffset: head * rows * inner, lda: inner,
        b, bOffset: kvHead * cols * inner, ldb: transB ? inner : cols,
        beta: 0, c: out, cOffset: head * rows * cols, ldc: cols,
      });
    }
  }
  return out;
}

/** Q·Kᵀ·scale as [batch, q_heads, q_seq, kv_seq]. */
export function attentionScores(q: Heads, k: Heads, scale: number, ctx: KernelContext): Float64Array {
  return headProducts(q.batch, q.heads, k.heads, q.seq, k.seq, q.dim, q.data, k.data, true, scale, ctx);
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

/** probs·V as [batch, q_heads, q_seq, v_dim]. */
export function attendValues(probs: Float64Array, q: Heads, v: Heads, ctx: KernelContext): Float64Array {
  return headProducts(q.batch, q.heads, v.heads, q.seq, v.dim, v.seq, probs, v.data, false, 1, ctx);
}
