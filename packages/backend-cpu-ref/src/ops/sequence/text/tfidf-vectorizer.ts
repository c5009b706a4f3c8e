import { Tensor, attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../../tensor/args.js';

/** The n-grams of the pool by key (items joined), each with its position in ngram_indexes. */
function poolIndex(pool: readonly (string | number)[], starts: readonly number[], maxLength: number): Map<string, number> {
  const index = new Map<string, number>();
  let ngram = 0;
  for (let level = 0; level < starts.length; level++) {
    const n = level + 1;
    const end = level + 1 < starts.length ? starts[level + 1] : pool.length;
    if (starts[level] > end || end > pool.length || (end - starts[level]) % n !== 0) {
      throw new Error(`TfIdfVectorizer: ngram_counts [${starts.join(', ')}] do not split a pool of ${pool.length} into ${n}-grams`);
    }
    for (let at = starts[level]; at < end; at += n, ngram++) {
      if (n <= maxLength) index.set(JSON.stringify(pool.slice(at, at + n)), ngram);
    }
  }
  return index;
}

/**
 * TfIdfVectorizer: counts, per row of a [C] or [N, C] input, the pool's n-grams of min_gram_length..max_gram_length
 * items taken every skip+1 positions for each skip 0..max_skip_count (a 1-gram once per position). Count j lands at
 * output coordinate ngram_indexes[j]; IDF uses min(count, 1) and IDF/TFIDF scale by weights[j].
 */
export default [
  defineKernel({
    op: 'TfIdfVectorizer', since: 9, dtypes: ['string', 'int32', 'int64'],
    attrs: {
      max_gram_length: attr.int.required(),
      max_skip_count: attr.int.required(),
      min_gram_length: attr.int.required(),
      mode: attr.string.required(),
      ngram_counts: attr.ints.required(),
      ngram_indexes: attr.ints.required(),
      pool_int64s: attr.ints(),
      pool_strings: attr.strings(),
      weights: attr.floats(),
    },
    run: (inputs, a, ctx) => {
      const op = 'TfIdfVectorizer';
      const x = tensorInput(op, inputs, 0, 'X');
      if (x.dims.length !== 1 && x.dims.length !== 2) throw new Error(`${op}: X must be [C] or [N, C], got [${x.dims.join(', ')}]`);
      if (a.mode !== 'TF' && a.mode !== 'IDF' && a.mode !== 'TFIDF') throw new Error(`${op}: mode must be TF, IDF or TFIDF, got '${a.mode}'`);
      if (!(a.min_gram_length >= 1 && a.min_gram_length <= a.max_gram_length && a.max_skip_count >= 0)) {
        throw new Error(`${op}: need 1 <= min_gram_length <= max_gram_length and max_skip_count >= 0, got ` +
          `${a.min_gram_length}, ${a.max_gram_length}, ${a.max_skip_count}`);
      }
      const isString = x.type === 'string';
      const pool = isString ? a.pool_strings : a.pool_int64s;
      if (!pool || (isString ? a.pool_int64s : a.pool_strings)) {
        throw new Error(`${op}: a ${x.type} input needs ${isString ? 'pool_strings' : 'pool_int64s'} and not the other pool`);
      }
      const index = poolIndex(pool, a.ngram_counts, a.max_gram_length);
      const ngrams = index.size === 0 ? 0 : Math.max(...index.values()) + 1;
      if (a.ngram_indexes.length < ngrams) throw new Error(`${op}: ngram_indexes has ${a.ngram_indexes.length} entries for ${ngrams} n-grams`);
      if (a.weights && a.weights.length !== a.ngram_indexes.length) {
        throw new Error(`${op}: weights has ${a.weights.length} entries but ngram_indexes has ${a.ngram_indexes.length}`);
      }
      if (a.ngram_indexes.some((i) => i < 0)) throw new Error(`${op}: ngram_indexes [${a.ngram_indexes.join(', ')}] has a negative index`);
      const width = Math.max(-1, ...a.ngram_indexes) + 1;
      const [rows, length] = x.dims.length === 2 ? x.dims : [1, x.dims[0]];
      ctx.checkAllocation('float32', rows * width);
      const items = isString ? (x.data as string[]) : Array.from(x.data as ArrayLike<number | bigint>, Number);
      const counts = new Float64Array(ngrams);
      const out = new Float32Array(rows * width);
      for (let r = 0; r < rows; r++) {
        counts.fill(0);
        const row = items.slice(r * length, (r + 1) * length);
        for (let n = a.min_gram_length; n <= a.max_gram_length; n++) {
          // Skips only spread n-grams of two or more items.
          const maxSkip = n === 1 ? 0 : a.max_skip_count;
          const gram = new Array<string | number>(n);
          for (let skip = 0; skip <= maxSkip; skip++) {
            const step = skip + 1;
            for (let start = 0; start + (n - 1) * step < length; start++) {
              for (let k = 0; k < n; k++) gram[k] = row[start + k * step];
              const j = index.get(JSON.stringify(gram));
              if (j !== undefined) counts[j]++;
            }
          }
        }
        for (let j = 0; j < ngrams; j++) {
          const tf = a.mode === 'IDF' ? Math.min(counts[j], 1) : counts[j];
          out[r * width + a.ngram_indexes[j]] = a.mode === 'TF' ? tf : tf * (a.weights?.[j] ?? 1);
        }
      }
      return [new Tensor('float32', out, x.dims.length === 2 ? [rows, width] : [width])];
    },
  }),
];
