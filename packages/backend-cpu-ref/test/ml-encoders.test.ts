// The ai.onnx.ml feature transforms and encoders, and the map/sequence ops. Expected values are worked out by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { f32, i32, i64, rejects, str } from './tensor-harness.js';
import { close, runMl, scores } from './ml-helpers.js';

const f64 = (values: number[], dims: number[] = [values.length]) => new Tensor('float64', Float64Array.from(values), dims);
const i16 = (values: number[]) => new Tensor('int16', Int16Array.from(values), [values.length]);

test('ArrayFeatureExtractor picks last-axis entries; a 1-D input gives one row', async () => {
  const x = f32([0, 1, 2, 3, 4, 5], [2, 3]);
  assert.equal(scores(await runMl('ArrayFeatureExtractor', [x, i64([2, 0])], {}, { opset: 1 })), { dims: [2, 2], type: 'float32', data: [2, 0, 5, 3] });
  assert.equal(scores(await runMl('ArrayFeatureExtractor', [str(['a', 'b', 'c']), i64([1])], {}, { opset: 1 })), { dims: [1, 1], type: 'string', data: ['b'] });
  await rejects(() => runMl('ArrayFeatureExtractor', [x, i64([3])], {}, { opset: 1 }), /index 3 is out of range/);
});

test('Binarizer maps values above the threshold to 1, including exact int64 comparison', async () => {
  assert.equal(scores(await runMl('Binarizer', [f32([-1, 1, 1.5, NaN])], { threshold: 1 }, { opset: 1 })).data, [0, 0, 1, 0]);
  const big = 2n ** 62n;
  assert.equal(scores(await runMl('Binarizer', [i64([big, -big, 0n])], { threshold: 0.5 }, { opset: 1 })).data, [1n, 0n, 0n]);
});

test('CastMap orders by key; SPARSE places values by key and pads', async () => {
  const m = new Map<bigint, number>([[3n, 1.5], [0n, 2], [1n, -4]]);
  assert.equal(scores(await runMl('CastMap', [m], {}, { opset: 1 })), { dims: [1, 3], type: 'float32', data: [2, -4, 1.5] });
  const sparse = await runMl('CastMap', [m], { map_form: 'SPARSE', max_map: 5, cast_to: 'TO_INT64' }, { opset: 1 });
  assert.equal(scores(sparse), { dims: [1, 5], type: 'int64', data: [2n, -4n, 0n, 1n, 0n] });
  const text = await runMl('CastMap', [new Map<bigint, number | string>([[1n, 0.1], [2n, 'x']])], { cast_to: 'TO_STRING' }, { opset: 1 });
  assert.equal(scores(text).data, ['0.1', 'x']);
  await rejects(() => runMl('CastMap', [m], { map_form: 'SPARSE', max_map: 2 }, { opset: 1 }), /key 3 is outside/);
});

test('CategoryMapper maps strings to int64 and back, with defaults', async () => {
  const attrs = { cats_strings: ['cat', 'dog'], cats_int64s: [5, 7], default_int64: -9, default_string: '?' };
  assert.equal(scores(await runMl('CategoryMapper', [str(['dog', 'eel', 'cat'])], attrs, { opset: 1 })).data, [7n, -9n, 5n]);
  assert.equal(scores(await runMl('CategoryMapper', [i64([5, 6], [1, 2])], attrs, { opset: 1 })), { dims: [1, 2], type: 'string', data: ['cat', '?'] });
});

test('DictVectorizer lays a map (or a sequence of maps) out along the vocabulary', async () => {
  const m = new Map([['a', 4], ['c', 8]]);
  const y = await runMl('DictVectorizer', [m], { string_vocabulary: ['a', 'c', 'b', 'z'] }, { opset: 1 });
  assert.equal(scores(y), { dims: [1, 4], type: 'float32', data: [4, 8, 0, 0] });
  const rows = [new Map([[2n, 'two']]), new Map([[1n, 'one']])];
  const s = await runMl('DictVectorizer', [rows], { int64_vocabulary: [1, 2] }, { opset: 1 });
  assert.equal(scores(s), { dims: [2, 2], type: 'string', data: ['', 'two', 'one', ''] });
});

test('FeatureVectorizer concatenates columns, truncating and zero-padding to inputdimensions', async () => {
  const a = f32([1, 2, 3, 4], [2, 2]);
  const b = f32([5, 6, 7, 8, 9, 10], [2, 3]);
  const y = await runMl('FeatureVectorizer', [a, b], { inputdimensions: [3, 2] }, { opset: 1 });
  assert.equal(scores(y), { dims: [2, 5], type: 'float32', data: [1, 2, 0, 5, 6, 3, 4, 0, 8, 9] });
  await rejects(() => runMl('FeatureVectorizer', [a, f32([1, 2, 3], [3, 1])], {}, { opset: 1 }), /input 1 has 3 rows, input 0 has 2/);
});

test('Imputer replaces NaN (or a given value) per feature', async () => {
  const y = await runMl('Imputer', [f32([NaN, 1, 2, NaN], [2, 2])], { imputed_value_floats: [10, 20], replaced_value_float: NaN }, { opset: 1 });
  assert.equal(scores(y).data, [10, 1, 2, 20]);
  const ints = await runMl('Imputer', [i64([0, 5, 0], [1, 3])], { imputed_value_int64s: [7], replaced_value_int64: 0 }, { opset: 1 });
  assert.equal(scores(ints).data, [7n, 5n, 7n]);
  await rejects(() => runMl('Imputer', [f32([1, 2, 3], [1, 3])], { imputed_value_floats: [1, 2] }, { opset: 1 }), /expected 1 or 3/);
});

test('LabelEncoder version 1 converts by position in classes_strings', async () => {
  const attrs = { classes_strings: ['a', 'b'], default_int64: 99, default_string: 'none' };
  assert.equal(scores(await runMl('LabelEncoder', [str(['b', 'x'])], attrs, { opset: 1 })).data, [1n, 99n]);
  assert.equal(scores(await runMl('LabelEncoder', [i64([0, 2, -1])], attrs, { opset: 1 })).data, ['a', 'none', 'none']);
});

test('LabelEncoder versions 2 and 4: float keys with NaN, defaults, and tensor-valued attributes', async () => {
  const floats = { keys_floats: [NaN, 1.5], values_strings: ['missing', 'one and a half'], default_string: 'other' };
  assert.equal(scores(await runMl('LabelEncoder', [f32([1.5, NaN, 2])], floats, { opset: 2 })).data, ['one and a half', 'missing', 'other']);
  const noDefault = { keys_int64s: [1, 2], values_floats: [0.5, 0.25] };
  assert.equal(scores(await runMl('LabelEncoder', [i64([2, 3])], noDefault, { opset: 2 })).data, [0.25, -0]);
  const tensors = { keys_tensor: f64([0.1, 0.2]), values_tensor: i16([-1, -2]), default_tensor: i16([7]) };
  assert.equal(scores(await runMl('LabelEncoder', [f64([0.2, 0.3])], tensors, { opset: 4 })), { dims: [2], type: 'int16', data: [-2, 7] });
  await rejects(() => runMl('LabelEncoder', [i32([1])], { keys_strings: ['a'], values_int64s: [1] }, { opset: 4 }), /keys are strings but X is int32/);
});

test('Normalizer divides each row by its max, L1 or L2 norm; a zero divisor leaves the row', async () => {
  const x = f32([1, -3, 2, 0, 0, 0], [2, 3]);
  assert.equal(scores(await runMl('Normalizer', [x], { norm: 'MAX' }, { opset: 1 })).data, [0.5, -1.5, 1, 0, 0, 0]);
  assert.equal(scores(await runMl('Normalizer', [x], { norm: 'L1' }, { opset: 1 })).data, [1 / 6, -0.5, 1 / 3, 0, 0, 0].map(Math.fround));
  close(scores(await runMl('Normalizer', [x], { norm: 'L2' }, { opset: 1 })).data, [1, -3, 2].map((v) => v / Math.sqrt(14)).concat([0, 0, 0]));
});

test('OneHotEncoder appends a category axis; unknown categories give zeros or an error', async () => {
  const y = await runMl('OneHotEncoder', [f64([3.7, 1, 9], [1, 3])], { cats_int64s: [1, 3] }, { opset: 1 });
  assert.equal(scores(y), { dims: [1, 3, 2], type: 'float32', data: [0, 1, 1, 0, 0, 0] });
  assert.equal(scores(await runMl('OneHotEncoder', [str(['b'])], { cats_strings: ['a', 'b'] }, { opset: 1 })).data, [0, 1]);
  await rejects(() => runMl('OneHotEncoder', [i64([4])], { cats_int64s: [1], zeros: 0 }, { opset: 1 }), /not a known category/);
});

test('Scaler subtracts the offset and multiplies by the scale per feature', async () => {
  const y = await runMl('Scaler', [i32([1, 2, 3, 4], [2, 2])], { offset: [1, 2], scale: [2, 0.5] }, { opset: 1 });
  assert.equal(scores(y), { dims: [2, 2], type: 'float32', data: [0, 0, 4, 1] });
});

test('ZipMap makes one map per row from the class labels', async () => {
  const [rows] = await runMl('ZipMap', [f32([0.25, 0.75, 1, 0], [2, 2])], { classlabels_int64s: [10, 20] }, { opset: 1 });
  assert.equal(rows, [new Map([[10n, 0.25], [20n, 0.75]]), new Map([[10n, 1], [20n, 0]])]);
  const [one] = await runMl('ZipMap', [f32([0.5, 0.5])], { classlabels_strings: ['no', 'yes'] }, { opset: 1 });
  assert.equal(one, [new Map([['no', 0.5], ['yes', 0.5]])]);
  await rejects(() => runMl('ZipMap', [f32([1, 2, 3])], { classlabels_strings: ['a', 'b'] }, { opset: 1 }), /3 columns for 2 class labels/);
});

test.run();
