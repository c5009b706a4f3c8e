/** Shape functions of attention ops: queries, keys and values in the 4-D [batch, heads, seq, head size] or packed 3-D layout. */
import { attr, type Dim, type ShapeFunction } from '@onnx-ts/core';

/** Heads and head size of a 4-D input, or of a 3-D one [batch, seq, heads · size] split into `heads`. */
function headsOf(shape: Dim[] | undefined, heads: number | undefined): { heads: Dim; size: Dim } | undefined {
  if (shape?.length === 4) return { heads: shape[1], size: shape[3] };
  if (shape?.length !== 3) return undefined;
  const hidden = shape[2];
  const size = heads && typeof hidden === 'number' && hidden % heads === 0 ? hidden / heads : null;
  return { heads: heads ?? null, size };
}

const seqOf = (shape: Dim[] | undefined): Dim => (shape?.length === 4 ? shape[2] : shape?.length === 3 ? shape[1] : null);
const plus = (a: Dim, b: Dim): Dim => (typeof a === 'number' && typeof b === 'number' ? a + b : null);

/** Y, then present_key and present_value (the past cache followed by the new keys and values), then the QK scores. */
export const attention: ShapeFunction = (c) => {
  const type = c.input(0).type;
  const q = c.input(0).shape;
  const a = c.attrs({ q_num_heads: attr.int(), kv_num_heads: attr.int() });
  const qHeads = headsOf(q, a.q_num_heads);
  const batch = q?.[0] ?? null;
  const qSeq = seqOf(q);
  const pastSeq: Dim = c.present(4) ? c.input(4).shape?.[2] ?? null : 0;
  /** present_key or present_value: [batch, kv heads, past + new seq, head size]. */
  const present = (input: number): Dim[] => {
    const shape = c.input(input).shape;
    const heads = headsOf(shape, a.kv_num_heads);
    return [batch, heads?.heads ?? null, plus(pastSeq, seqOf(shape)), heads?.size ?? null];
  };
  const presentKey = present(1);
  const presentValue = present(2);
  const valueSize = presentValue[3];
  let y: Dim[] | undefined;
  if (q?.length === 4) y = [batch, qHeads!.heads, qSeq, valueSize];
  else if (q?.length === 3) {
    const heads = qHeads!.heads;
    y = [batch, qSeq, typeof heads === 'number' && typeof valueSize === 'number' ? heads * valueSize : null];
  }
  const scores = [batch, qHeads?.heads ?? null, qSeq, presentKey[2]];
  return [y, presentKey, presentValue, scores].map((shape) => ({ type, shape }));
};

/**
 * LinearAttention: packed [batch, steps, heads · size] inputs; Y is [batch, steps, q heads · value size], the state
 * [batch, kv heads, key size, value size] typed as the past state when one is given.
 */
export const linearAttention: ShapeFunction = (c) => {
  const q = c.input(0);
  const a = c.attrs({ q_num_heads: attr.int.required(), kv_num_heads: attr.int.required() });
  const keySize = headsOf(c.input(1).shape, a.kv_num_heads)?.size ?? null;
  const valueSize = headsOf(c.input(2).shape, a.kv_num_heads)?.size ?? null;
  const [batch, steps] = q.shape?.length === 3 ? q.shape : [null, null];
  const width = typeof valueSize === 'number' ? a.q_num_heads * valueSize : null;
  const stateType = c.present(3) ? c.input(3).type : q.type;
  return [{ type: q.type, shape: [batch, steps, width] }, { type: stateType, shape: [batch, a.kv_num_heads, keySize, valueSize] }];
};

/** FlexAttention (4-D only): [batch, q heads, q seq, value size]. */
export const flexAttention: ShapeFunction = (c) => {
  const q = c.input(0).shape;
  const v = c.input(2).shape;
  return [{ type: c.input(0).type, shape: q?.length === 4 ? [q[0], q[1], q[2], v?.length === 4 ? v[3] : null] : undefined }];
};
