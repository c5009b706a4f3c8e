/**
 * Attention (opset 23, 24): scaled dot-product attention over 3-D [batch, seq, heads*dim] or 4-D
 * [batch, heads, seq, dim] inputs, with grouped-query heads, an additive or boolean mask, causal masking, a KV
 * cache (past_key/past_value → present_key/present_value), softcap, and the qk_matmul_output of a chosen stage:
 *   scores = Q·Kᵀ·scale                        (qk_matmul_output_mode 0)
 *   scores = softcap·tanh(scores / softcap)    (mode 1; only when softcap > 0)
 *   scores = scores + mask (+ causal, padding) (mode 2)
 *   probs  = softmax(scores)                   (mode 3)
 *   Y      = probs·V
 * Opset 24 adds nonpad_kv_seqlen (keys past it are masked) and lets attn_mask be shorter than the total sequence
 * length, the missing columns counting as -inf.
 * The computation runs in float64, which meets whatever softmax_precision asks for.
 */
import {
  FLOAT_DTYPES, attr, broadcastIndex, defineKernel, dtypeFromCode, type KernelContext,
  type KernelInputs, type Tensor,
} from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../util/elementwise.js';
import {
  attendValues, attentionScores, checkAttentionShapes, headsOf, softmaxRows, swapMiddleAxes, type Heads,
} from './attention-math.js';
import { expectDims, expectRank, expectType, optionalTensor, sameTypeTensors } from './checks.js';

const attentionAttrs = {
  is_causal: attr.int(0),
  kv_num_heads: attr.int(),
  q_num_heads: attr.int(),
  qk_matmul_output_mode: attr.int(0),
  scale: attr.float(),
  softcap: attr.float(0),
  softmax_precision: attr.int(),
};

type AttentionAttrs = {
  is_causal: number;
  kv_num_heads: number | undefined;
  q_num_heads: number | undefined;
  qk_matmul_output_mode: number;
  scale: number | undefined;
  softcap: number;
  softmax_precision: number | undefined;
};

const SOFTMAX_PRECISIONS = ['float32', 'float16', 'bfloat16', 'float64'];

function attention(inputs: KernelInputs, attrs: AttentionAttrs, ctx: KernelContext, opset24: boolean): Tensor[] {
  const op = 'Attention';
  const [qT, kT, vT] = sameTypeTensors(op, inputs, ['Q', 'K', 'V']);
  const type = qT.type;
  const mode = attrs.qk_matmul_output_mode;
  if (![0, 1, 2, 3].includes(mode)) throw new Error(`${op}: qk_matmul_output_mode should be 0, 1, 2 or 3, got ${mode}`);
  if (attrs.softmax_precision !== undefined && !SOFTMAX_PRECISIONS.includes(dtypeFromCode(attrs.softmax_precision))) {
    throw new Error(`${op}: softmax_precision should name float, float16, bfloat16 or double, got ${attrs.softmax_precision}`);
  }

  const pastKey = optionalTensor(op, 'past_key', inputs[4]);
  const pastValue = optionalTensor(op, 'past_value', inputs[5]);
  if (!pastKey !== !pastValue) throw new Error(`${op}: past_key and past_value should be given together`);
  const cap = attrs.softcap;
  if (cap < 0) throw new Error(`${op}: softcap should not be negative, got ${cap}`);
  const q = headsOf(op, 'Q', qT, attrs.q_num_heads);
  const kNew = headsOf(op, 'K', kT, attrs.kv_num_heads);
  const k = withPast(op, 'past_key', kNew, pastKey, type);
  const v = withPast(op, 'past_value', headsOf(op, 'V', vT, attrs.kv_num_heads), pastValue, type);
  checkAttentionShapes(op, q, k, v);
  const pastLength = k.seq - kNew.seq;
  const totalLength = k.seq;

  const scores = attentionScores(q, k, attrs.scale ?? 1 / Math.sqrt(q.dim), ctx);
  let qkOutput: Float64Array | undefined = mode === 0 ? scores.slice() : undefined;
  if (cap > 0) for (let i = 0; i < scores.length; i++) scores[i] = cap * Math.tanh(scores[i] / cap);
  if (mode === 1) qkOutput = scores.slice();
  const scoreDims = [q.batch, q.heads, q.seq, totalLength];
  const mask = optionalTensor(op, 'attn_mask', inputs[3]);
  if (mask) addMask(op, scores, scoreDims, mask, opset24);
  if (attrs.is_causal !== 0) maskFuture(scores, q.seq, totalLength, pastLength);
  const nonpad = opset24 ? optionalTensor(op, 'nonpad_kv_seqlen', inputs[6]) : undefined;
  if (nonpad) {
    if (pastLength > 0) throw new Error(`${op}: nonpad_kv_seqlen cannot be combined with past_key/past_value`);
    maskPadding(op, scores, q, totalLength, nonpad);
  }
  if (mode === 2) qkOutput = scores.slice();
  softmaxRows(scores, totalLength);
  if (mode === 3) qkOutput = scores;

  const y = attendValues(scores, q, v, ctx);
  const yOut = qT.dims.length === 3
    ? fromNumbers(type, swapMiddleAxes(y, q.batch, q.heads, q.seq, v.dim), [q.batch, q.seq, q.heads * v.dim])
    : fromNumbers(type, y, [q.batch, q.heads, q.seq, v.dim]);
  return [
    yOut,
    fromNumbers(type, k.data, [k.batch, k.heads, k.seq, k.dim]),
    fromNumbers(type, v.data, [v.batch, v.heads, v.seq, v.dim]),
    fromNumbers(type, qkOutput ?? scores, scoreDims),
  ];
}

/** K or V with the cache of earlier steps (past_key/past_value, [batch, kv_heads, past_seq, dim]) put in front. */
function withPast(op: string, name: string, current: Heads, past: Tensor | undefined, type: Tensor['type']): Heads {
  if (!past) return current;
  expectType(op, name, past, type, 'Q');
  expectRank(op, name, past, 4);
  const [batch, heads, pastSeq, dim] = past.dims;
  expectDims(op, name, past, [current.batch, current.heads, pastSeq, current.dim]);
  const seq = pastSeq + current.seq;
  const data = new Float64Array(batch * heads * seq * dim);
  const pastData = toNumbers(past);
  for (let bh = 0; bh < batch * heads; bh++) {
    data.set(pastData.subarray(bh * pastSeq * dim, (bh + 1) * pastSeq * dim), bh * seq * dim);
    data.set(current.data.subarray(bh * current.seq * dim, (bh + 1) * current.seq * dim), (bh * seq + pastSeq) * dim);
  }
  return { data, batch, heads, seq, dim };
}

/** Adds attn_mask, broadcast to [batch, q_heads, q_seq, total_seq]; a boolean mask adds 0 where true, -inf where false. */
function addMask(op: string, scores: Float64Array, scoreDims: number[], mask: Tensor, padShort: boolean): void {
  if (mask.dims.length < 1 || mask.dims.length > 4) {
    throw new Error(`${op}: attn_mask should have rank 1 to 4, got [${mask.dims.join(', ')}]`);
  }
  const values = toNumbers(mask);
  if (mask.type === 'bool') for (let i = 0; i < values.length; i++) values[i] = values[i] ? 0 : -Infinity;
  let dims = [...mask.dims];
  const total = scoreDims[3];
  const columns = dims[dims.length - 1];
  let padded = values;
  if (padShort && columns < total) {
    // The columns the mask does not cover are masked out.
    const rows = values.length / Math.max(columns, 1);
    padded = new Float64Array(rows * total).fill(-Infinity);
    for (let r = 0; r < rows; r++) padded.set(values.subarray(r * columns, (r + 1) * columns), r * total);
    dims = [...dims.slice(0, -1), total];
  }
  if (!dims.every((d, i) => d === 1 || d === scoreDims[scoreDims.length - dims.length + i])) {
    throw new Error(`${op}: attn_mask [${mask.dims.join(', ')}] does not broadcast to the scores [${scoreDims.join(', ')}]`);
  }
  const index = broadcastIndex(scoreDims, dims);
  for (let i = 0; i < scores.length; i++) scores[i] += padded[index ? index[i] : i];
}

/** Causal masking: query i (at absolute position past + i) sees keys up to that position. */
function maskFuture(scores: Float64Array, qSeq: number, total: number, past: number): void {
  for (let row = 0; row < scores.length / total; row++) {
    const i = row % qSeq;
    for (let j = past + i + 1; j < total; j++) scores[row * total + j] = -Infinity;
  }
}

/** Masks the keys of batch entry b at or beyond nonpad_kv_seqlen[b]. */
function maskPadding(op: string, scores: Float64Array, q: Heads, total: number, nonpad: Tensor): void {
  if (nonpad.type !== 'int64') throw new Error(`${op}: input 'nonpad_kv_seqlen' should be int64, got ${nonpad.type}`);
  expectDims(op, 'nonpad_kv_seqlen', nonpad, [q.batch]);
  const lengths = nonpad.data as BigInt64Array;
  const rowsPerBatch = q.heads * q.seq;
  for (let b = 0; b < q.batch; b++) {
    const valid = Number(lengths[b]);
    if (valid < 0 || valid > total) throw new Error(`${op}: nonpad_kv_seqlen[${b}] = ${valid} is outside [0, ${total}]`);
    for (let row = b * rowsPerBatch; row < (b + 1) * rowsPerBatch; row++) {
      scores.fill(-Infinity, row * total + valid, (row + 1) * total);
    }
  }
}

export default [
  defineKernel({
    op: 'Attention', since: 23, until: 23,
    dtypes: FLOAT_DTYPES,
    attrs: attentionAttrs,
    run: (inputs, attrs, ctx) => attention(inputs, attrs, ctx, false),
  }),
  defineKernel({
    op: 'Attention', since: 24,
    dtypes: FLOAT_DTYPES,
    attrs: attentionAttrs,
    run: (inputs, attrs, ctx) => attention(inputs, attrs, ctx, true),
  }),
];
