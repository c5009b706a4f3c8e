import { Tensor, attr, defineKernel, describeValue, type DType, type Value } from '@onnx-ts/core';
import { ML_DOMAIN } from './common.js';

const OP = 'DictVectorizer';

/** The output element type, from the map's values: bigint → int64, string → string, number → float32. */
function valueType(maps: Map<unknown, unknown>[]): DType {
  for (const map of maps) {
    for (const v of map.values()) {
      if (typeof v === 'bigint') return 'int64';
      if (typeof v === 'string') return 'string';
      if (typeof v === 'number') return 'float32';
      throw new Error(`${OP}: map values should be int64, float or string, got ${typeof v}`);
    }
  }
  return 'float32';
}

/**
 * Places each map value at its key's position in the vocabulary: a map gives [1, C], a sequence of maps [N, C].
 * Keys outside the vocabulary are ignored (as onnxruntime and scikit-learn do); absent keys give 0 ('' for strings).
 * Maps with float and double values are both JS numbers here, so the output is float32.
 */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    attrs: { string_vocabulary: attr.strings([]), int64_vocabulary: attr.ints([]) },
    run: ([input], a) => {
      const maps = mapsOf(input);
      const byString = a.string_vocabulary.length > 0;
      if (byString === a.int64_vocabulary.length > 0) {
        throw new Error(`${OP}: exactly one of string_vocabulary and int64_vocabulary must be set`);
      }
      const position = byString
        ? new Map<unknown, number>(a.string_vocabulary.map((k, i) => [k, i]))
        : new Map<unknown, number>(a.int64_vocabulary.map((k, i) => [BigInt(k), i]));
      const cols = byString ? a.string_vocabulary.length : a.int64_vocabulary.length;
      const type = valueType(maps);
      const jsType = type === 'string' ? 'string' : type === 'int64' ? 'bigint' : 'number';
      const out: (number | bigint | string)[] = new Array(maps.length * cols).fill(type === 'string' ? '' : type === 'int64' ? 0n : 0);
      maps.forEach((map, n) => {
        for (const [key, value] of map) {
          const at = position.get(typeof key === 'number' ? BigInt(key) : key);
          if (typeof value !== jsType) throw new Error(`${OP}: map values mix ${jsType} and ${typeof value}`);
          if (at !== undefined) out[n * cols + at] = value as number | bigint | string;
        }
      });
      const dims = Array.isArray(input) ? [maps.length, cols] : [1, cols];
      return [new Tensor(type, out, dims)];
    },
  }),
];

function mapsOf(input: Value | undefined): Map<unknown, unknown>[] {
  const list = Array.isArray(input) ? input : [input];
  for (const m of list) if (!(m instanceof Map)) throw new Error(`${OP}: X should be a map, got ${describeValue(m)}`);
  return list as Map<unknown, unknown>[];
}
