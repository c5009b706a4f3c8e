import { Tensor, attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../../tensor/args.js';

/** The characters Python's str.split() treats as whitespace. */
const WHITESPACE = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/** Splits on runs of whitespace, dropping it at both ends; after `maxsplit` splits the rest is one part. */
function splitOnWhitespace(s: string, maxsplit: number): string[] {
  const parts: string[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && WHITESPACE.test(s[i])) i++;
    if (i >= s.length) break;
    if (parts.length === maxsplit) {
      parts.push(s.slice(i));
      break;
    }
    let j = i;
    while (j < s.length && !WHITESPACE.test(s[j])) j++;
    parts.push(s.slice(i, j));
    i = j;
  }
  return parts;
}

/** Splits at each occurrence of `delimiter` (consecutive ones delimit empty strings), at most `maxsplit` times. */
function splitOnDelimiter(s: string, delimiter: string, maxsplit: number): string[] {
  const parts: string[] = [];
  let i = 0;
  while (parts.length < maxsplit) {
    const j = s.indexOf(delimiter, i);
    if (j < 0) break;
    parts.push(s.slice(i, j));
    i = j + delimiter.length;
  }
  parts.push(s.slice(i));
  return parts;
}

/**
 * StringSplit: splits each string as Python's str.split(delimiter or None, maxsplit) does. Output 0 adds an axis
 * as long as the longest split, padded with empty strings; output 1 counts the parts of each string.
 */
export default [
  defineKernel({
    op: 'StringSplit', since: 20, dtypes: ['string'],
    attrs: { delimiter: attr.string(''), maxsplit: attr.int() },
    run: (inputs, { delimiter, maxsplit }, ctx) => {
      const x = tensorInput('StringSplit', inputs, 0, 'X');
      const limit = maxsplit === undefined || maxsplit < 0 ? Infinity : maxsplit;
      const split = (x.data as string[]).map((s) =>
        delimiter === '' ? splitOnWhitespace(s, limit) : splitOnDelimiter(s, delimiter, limit));
      const width = split.reduce((w, parts) => Math.max(w, parts.length), 0);
      ctx.checkAllocation('string', x.size * width);
      const substrings = new Array<string>(x.size * width).fill('');
      const counts = new BigInt64Array(x.size);
      split.forEach((parts, i) => {
        counts[i] = BigInt(parts.length);
        parts.forEach((part, k) => { substrings[i * width + k] = part; });
      });
      return [new Tensor('string', substrings, [...x.dims, width]), new Tensor('int64', counts, x.dims)];
    },
  }),
];
