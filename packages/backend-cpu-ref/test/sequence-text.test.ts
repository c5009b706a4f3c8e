// The text ops against results worked out by hand from the spec (StringSplit follows Python's str.split).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { i32, plain, rejects, runNode, runTensor, str } from './tensor-harness.js';

test('StringConcat broadcasts its two string inputs', async () => {
  const out = await runTensor('StringConcat', [str(['a', 'b'], [2, 1]), str(['1', '2', '3'])]);
  assert.equal(plain(out), { dims: [2, 3], data: ['a1', 'a2', 'a3', 'b1', 'b2', 'b3'] });
  assert.equal(plain(await runTensor('StringConcat', [str(['的'], []), str(['中'], [])])), { dims: [], data: ['的中'] });
  await rejects(() => runTensor('StringConcat', [str(['a', 'b']), str(['x', 'y', 'z'])]), /cannot be broadcast/);
});

test('StringNormalizer drops stop words (ignoring case by default) and changes case', async () => {
  const words = str(['The', 'the', 'A', 'cat']);
  const lower = await runTensor('StringNormalizer', [words], { stopwords: ['the'], case_change_action: 'LOWER' });
  assert.equal(plain(lower), { dims: [2], data: ['a', 'cat'] });
  const exact = await runTensor('StringNormalizer', [words], { stopwords: ['the'], is_case_sensitive: 1 });
  assert.equal(plain(exact).data, ['The', 'A', 'cat']);
  const none = await runTensor('StringNormalizer', [str(['x', 'X'], [1, 2])], { stopwords: ['x'] });
  assert.equal(plain(none), { dims: [1, 1], data: [''] });
  const turkish = await runTensor('StringNormalizer', [str(['i'])], { case_change_action: 'UPPER', locale: 'tr_TR' });
  assert.equal(plain(turkish).data, ['İ']);
  await rejects(() => runTensor('StringNormalizer', [str(['a', 'b', 'c', 'd'], [2, 2])]), /X must be \[C\] or \[1, C\]/);
  await rejects(() => runTensor('StringNormalizer', [words], { case_change_action: 'TITLE' }), /NONE, LOWER or UPPER/);
});

test('StringSplit: a delimiter splits at every occurrence; none splits on whitespace runs; maxsplit keeps the rest', async () => {
  const [parts, counts] = await runNode('StringSplit', [str(['a--b----c', ''])], { delimiter: '--' }, { outputs: 2 });
  assert.equal(plain(parts), { dims: [2, 4], data: ['a', 'b', '', 'c', '', '', '', ''] });
  assert.equal(plain(counts), { dims: [2], data: [4n, 1n] });
  const [words, wordCounts] = await runNode('StringSplit', [str(['  x  y z ', '\t'])], { maxsplit: 1 }, { outputs: 2 });
  assert.equal(plain(words), { dims: [2, 2], data: ['x', 'y z ', '', ''] });
  assert.equal(plain(wordCounts).data, [2n, 0n]);
  const [empty, emptyCounts] = await runNode('StringSplit', [str([], [0])], {}, { outputs: 2 });
  assert.equal([plain(empty).dims, plain(emptyCounts).dims], [[0, 0], [0]]);
});

test('RegexFullMatch matches the whole string with RE2 meanings', async () => {
  const match = async (pattern: string, inputs: string[]) =>
    plain(await runTensor('RegexFullMatch', [str(inputs)], { pattern })).data;
  assert.equal(await match('b|ab', ['ab', 'abc', 'b']), [1, 0, 1], 'anchored around the whole alternation');
  assert.equal(await match('(?i)hello', ['HeLLo', 'hello!']), [1, 0]);
  assert.equal(await match('a.c', ['abc', 'a\nc', 'a\rc', 'a😀c']), [1, 0, 1, 1], '. is any code point but \\n');
  assert.equal(await match('a\\sb', ['a b', 'a\vb', 'a\u00a0b']), [1, 0, 0], '\\s is [\\t\\n\\f\\r ]');
  assert.equal(await match('[[:digit:]_]+\\pL', ['12_x', '12é', '12']), [1, 1, 0]);
  assert.equal(await match('\\Q1+1\\E=2', ['1+1=2', '11=2']), [1, 0]);
  assert.equal(await match('\\x{1F600}{2}', ['😀😀']), [1]);
  assert.equal(await match('(?P<word>\\w+)@\\w+\\.com', ['me@x.com', 'me@x.org']), [1, 0]);
  assert.equal(await match('a{,2}', ['a{,2}']), [1], 'a brace that is no repeat count is literal');
  assert.equal(plain(await runTensor('RegexFullMatch', [str([], [2, 0])], { pattern: 'x' })).dims, [2, 0]);
  await rejects(() => match('a(?=b)', ['ab']), /lookaround is not RE2 syntax/);
  await rejects(() => match('(a)\\1', ['aa']), /backreference \\1 is not RE2 syntax/);
  await rejects(() => match('a(', ['a']), /pattern 'a\(' is not valid/);
});

test('TfIdfVectorizer counts n-grams with skips and weights them by mode', async () => {
  const pool = { pool_strings: ['a', 'b', 'a', 'b'], ngram_counts: [0, 2], ngram_indexes: [2, 0, 1] };
  const grams = { min_gram_length: 1, max_gram_length: 2, max_skip_count: 1, ...pool };
  const text = str(['a', 'b', 'a', 'c', 'b', 'b']);
  // a: 2, b: 3; (a, b): once adjacent (positions 0, 1) and once two apart (2, 4).
  const tf = await runTensor('TfIdfVectorizer', [text], { ...grams, mode: 'TF' });
  assert.equal(plain(tf), { dims: [3], data: [3, 2, 2] });
  const weights = [0.5, 2, 4];
  assert.equal(plain(await runTensor('TfIdfVectorizer', [text], { ...grams, mode: 'IDF', weights })).data, [2, 4, 0.5]);
  assert.equal(plain(await runTensor('TfIdfVectorizer', [text], { ...grams, mode: 'TFIDF', weights })).data, [6, 8, 1]);
  const rows = await runTensor('TfIdfVectorizer', [i32([1, 1, 2, 5], [2, 2])], {
    min_gram_length: 1, max_gram_length: 1, max_skip_count: 0, mode: 'TF', pool_int64s: [1, 2], ngram_counts: [0], ngram_indexes: [0, 1],
  });
  assert.equal(plain(rows), { dims: [2, 2], data: [2, 0, 0, 1] });
  await rejects(() => runTensor('TfIdfVectorizer', [i32([1])], { ...grams, mode: 'TF' }), /needs pool_int64s/);
});

test.run();
