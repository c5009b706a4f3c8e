/**
 * RotaryEmbedding (opset 23): rotates the first rotary_embedding_dim values of each head (all of them when 0) by
 * position-dependent angles. Input is 4-D [batch, heads, seq, head_size] or 3-D [batch, seq, heads*head_size]
 * (num_heads given). The pairs rotated are (x[i], x[i + dim/2]), or (x[2i], x[2i+1]) when interleaved:
 *   x1' = x1·cos - x2·sin,  x2' = x2·cos + x1·sin
 * cos/sin come from cos_cache/sin_cache [max_position, ≥ dim/2] at position_ids [batch, seq], or, without
 * position_ids, directly as [batch, seq, ≥ dim/2]; a batch dimension of 1 serves every batch entry.
 */
import { attr, defineKernel, type Tensor } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../util/elementwise.js';
import { expectRank, optionalTensor, sameTypeTensors } from './checks.js';

const OP = 'RotaryEmbedding';

/** For batch entry b and position s, the row of cos_cache/sin_cache to read. */
function cacheRows(cos: Tensor, positions: Tensor | undefined, batch: number, seq: number): (b: number, s: number) => number {
  const fitsBatch = (t: Tensor, name: string) => {
    if ((t.dims[0] !== batch && t.dims[0] !== 1) || t.dims[1] !== seq) {
      throw new Error(`${OP}: ${name} [${t.dims.join(', ')}] should start with [${batch} or 1, ${seq}]`);
    }
    return t.dims[0] === 1 ? 0 : 1;
  };
  if (!positions) {
    expectRank(OP, 'cos_cache', cos, 3);
    const batchStride = fitsBatch(cos, 'cos_cache without position_ids');
    return (b, s) => b * batchStride * seq + s;
  }
  expectRank(OP, 'cos_cache', cos, 2);
  expectRank(OP, 'position_ids', positions, 2);
  if (positions.type !== 'int64') throw new Error(`${OP}: input 'position_ids' should be int64, got ${positions.type}`);
  const batchStride = fitsBatch(positions, 'position_ids');
  const ids = positions.data as BigInt64Array;
  const maxPosition = cos.dims[0];
  return (b, s) => {
    const id = Number(ids[b * batchStride * seq + s]);
    if (id < 0 || id >= maxPosition) throw new Error(`${OP}: position id ${id} is outside the cache [0, ${maxPosition})`);
    return id;
  };
}

export default [
  defineKernel({
    op: OP, since: 23,
    dtypes: ['float32', 'float16', 'bfloat16'],
    attrs: { interleaved: attr.int(0), num_heads: attr.int(0), rotary_embedding_dim: attr.int(0) },
    run: (inputs, attrs) => {
      const [x, cos, sin] = sameTypeTensors(OP, inputs, ['X', 'cos_cache', 'sin_cache']);
      const positions = optionalTensor(OP, 'position_ids', inputs[3]);
      if (sin.dims.join() !== cos.dims.join()) {
        throw new Error(`${OP}: sin_cache [${sin.dims.join(', ')}] should have the shape of cos_cache [${cos.dims.join(', ')}]`);
      }
      let batch: number, heads: number, seq: number, headSize: number;
      // Offset of the head (b, h, s) in X's layout.
      let headAt: (b: number, h: number, s: number) => number;
      if (x.dims.length === 4) {
        [batch, heads, seq, headSize] = x.dims;
        headAt = (b, h, s) => ((b * heads + h) * seq + s) * headSize;
      } else if (x.dims.length === 3) {
        heads = attrs.num_heads;
        if (heads <= 0 || x.dims[2] % heads !== 0) {
          throw new Error(`${OP}: 3-D input [${x.dims.join(', ')}] needs num_heads dividing ${x.dims[2]}, got ${heads}`);
        }
        [batch, seq] = x.dims;
        headSize = x.dims[2] / heads;
        headAt = (b, h, s) => ((b * seq + s) * heads + h) * headSize;
      } else {
        throw new Error(`${OP}: input 'X' should have rank 3 or 4, got [${x.dims.join(', ')}]`);
      }
      const dim = attrs.rotary_embedding_dim === 0 ? headSize : attrs.rotary_embedding_dim;
      if (dim <= 0 || dim % 2 !== 0 || dim > headSize) {
        throw new Error(`${OP}: rotary_embedding_dim should be even and at most the head size ${headSize}, got ${dim}`);
      }
      const half = dim / 2;
      const cacheWidth = cos.dims[cos.dims.length - 1];
      if (cacheWidth < half) throw new Error(`${OP}: cos_cache rows hold ${cacheWidth} values, need at least ${half}`);
      const rowOf = cacheRows(cos, positions, batch, seq);

      const out = toNumbers(x);
      const cosValues = toNumbers(cos);
      const sinValues = toNumbers(sin);
      // Where the second element of pair i sits relative to the first, and how far apart pairs are.
      const [partner, pairStride] = attrs.interleaved ? [1, 2] : [half, 1];
      for (let b = 0; b < batch; b++) {
        for (let s = 0; s < seq; s++) {
          const cacheAt = rowOf(b, s) * cacheWidth;
          for (let h = 0; h < heads; h++) {
            const base = headAt(b, h, s);
            for (let i = 0; i < half; i++) {
              const at1 = base + i * pairStride;
              const at2 = at1 + partner;
              const x1 = out[at1];
              const x2 = out[at2];
              const c = cosValues[cacheAt + i];
              const sn = sinValues[cacheAt + i];
              out[at1] = x1 * c - x2 * sn;
              out[at2] = x2 * c + x1 * sn;
            }
          }
        }
      }
      return [fromNumbers(x.type, out, x.dims)];
    },
  }),
];
