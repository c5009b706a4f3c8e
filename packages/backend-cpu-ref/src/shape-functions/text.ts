/** Shape functions of string ops: element types, and the dims that do not depend on the strings' contents. */
import { attr, broadcastDims, type ShapeFunction } from '@onnx-ts/core';
import { sameShapeAs } from './common.js';

export const textShapes: Record<string, ShapeFunction> = {
  StringConcat: (c) => [{ type: 'string', shape: broadcastDims([c.input(0).shape, c.input(1).shape]) }],
  RegexFullMatch: sameShapeAs('bool'),
  // Stop words may drop entries of the last axis.
  StringNormalizer: (c) => [{ type: 'string', shape: c.input(0).shape?.map((d, i, all) => (i === all.length - 1 ? null : d)) }],
  StringSplit: (c) => {
    const x = c.input(0).shape;
    return [{ type: 'string', shape: x ? [...x, null] : undefined }, { type: 'int64', shape: x }];
  },
  // One output column per n-gram index.
  TfIdfVectorizer: (c) => {
    const x = c.input(0).shape;
    const indexes = c.attrs({ ngram_indexes: attr.ints.required() }).ngram_indexes;
    const width = Math.max(-1, ...indexes) + 1;
    if (x?.length === 1) return [{ type: 'float32', shape: [width] }];
    return [{ type: 'float32', shape: x?.length === 2 ? [x[0], width] : undefined }];
  },
};
