/**
 * FlexAttention (ai.onnx.preview, version 1): attention over 4-D [batch, heads, seq, dim] Q/K/V with optional
 * modifier subgraphs:
 *   scores = score_mod(Q·Kᵀ·scale),  probs = prob_mod(softmax(scores)),  Y = probs·V
 * Each modifier takes and returns one [batch, q_heads, q_seq, kv_seq] tensor of the softmax_precision type
 * (float32 unless the inputs are double).
 */
import {
  FLOAT_DTYPES, attr, defineKernel, dtypeFromCode, isTensor, sameShape, type DType, type Graph, type KernelContext,
  type Tensor,
} from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../util/elementwise.js';
import { attendValues, attentionScores, checkAttentionShapes, headsOf, softmaxRows } from './attention-math.js';
import { expectRank, sameTypeTensors } from './checks.js';

const OP = 'FlexAttention';
const PRECISIONS: readonly DType[] = ['float32', 'float16', 'bfloat16', 'float64'];

/** Runs a modifier subgraph on the scores or probabilities and reads its one output back as numbers. */
async function modify(
  name: string, graph: Graph, values: Float64Array, dims: number[], precision: DType, ctx: KernelContext,
): Promise<Float64Array> {
  const outputs = await ctx.runGraph(graph, [fromNumbers(precision, values, dims)]);
  const out = outputs[0];
  if (outputs.length !== 1 || !isTensor(out) || out.type !== precision || !sameShape(out.dims, dims)) {
    const got = isTensor(out) ? `${out.type} [${out.dims.join(', ')}]` : `${outputs.length} outputs`;
    throw new Error(`${OP}: ${name} should return one ${precision} tensor of shape [${dims.join(', ')}], got ${got}`);
  }
  return toNumbers(out);
}

export default [
  defineKernel({
    op: OP, domain: 'ai.onnx.preview', since: 1,
    dtypes: FLOAT_DTYPES,
    attrs: {
      prob_mod: attr.graph(),
      scale: attr.float(),
      score_mod: attr.graph(),
      softmax_precision: attr.int(),
    },
    run: async (inputs, attrs, ctx): Promise<Tensor[]> => {
      const names = ['Q', 'K', 'V'];
      const [qT, kT, vT] = sameTypeTensors(OP, inputs, names);
      [qT, kT, vT].forEach((t, i) => expectRank(OP, names[i], t, 4));
      const precision = attrs.softmax_precision === undefined
        ? (qT.type === 'float64' ? 'float64' : 'float32')
        : dtypeFromCode(attrs.softmax_precision);
      if (!PRECISIONS.includes(precision)) {
        throw new Error(`${OP}: softmax_precision should name float, float16, bfloat16 or double, got ${precision}`);
      }
      const q = headsOf(OP, 'Q', qT, undefined);
      const k = headsOf(OP, 'K', kT, undefined);
      const v = headsOf(OP, 'V', vT, undefined);
      checkAttentionShapes(OP, q, k, v);
      const dims = [q.batch, q.heads, q.seq, k.seq];
      let scores = attentionScores(q, k, attrs.scale ?? 1 / Math.sqrt(q.dim), ctx);
      if (attrs.score_mod) scores = await modify('score_mod', attrs.score_mod, scores, dims, precision, ctx);
      softmaxRows(scores, k.seq);
      if (attrs.prob_mod) scores = await modify('prob_mod', attrs.prob_mod, scores, dims, precision, ctx);
      return [fromNumbers(qT.type, attendValues(scores, q, v, ctx), [q.batch, q.heads, q.seq, v.dim])];
    },
  }),
];
