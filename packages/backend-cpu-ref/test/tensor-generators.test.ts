import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { f32, i32, i64, plain, rejects, runNode, runTensor, str } from './tensor-harness.js';

test('Constant from each kind of value attribute', async () => {
  assert.equal(plain(await runTensor('Constant', [], { value_ints: [1, -2] })), { dims: [2], data: [1n, -2n] });
  assert.equal(plain(await runTensor('Constant', [], { value_int: 7 })), { dims: [], data: [7n] });
  assert.equal(plain(await runTensor('Constant', [], { value_float: 1.5 })), { dims: [], data: [1.5] });
  assert.equal(plain(await runTensor('Constant', [], { value_floats: [0.5, 2.5] })), { dims: [2], data: [0.5, 2.5] });
  assert.equal(plain(await runTensor('Constant', [], { value_string: 'hi' })), { dims: [], data: ['hi'] });
  assert.equal(plain(await runTensor('Constant', [], { value_strings: ['a', 'b'] })), { dims: [2], data: ['a', 'b'] });
  assert.equal(plain(await runTensor('Constant', [], { value: i32([3, 4], [1, 2]) })), { dims: [1, 2], data: [3, 4] });
  const sparse = { values: f32([5, 6]), indices: i64([1, 3]), dims: [2, 2] };
  assert.equal(plain(await runTensor('Constant', [], { sparse_value: sparse })), { dims: [2, 2], data: [0, 5, 0, 6] });
  await rejects(() => runTensor('Constant', [], { value_int: 1, value_float: 2.5 }), /exactly one value attribute/);
  await rejects(() => runTensor('Constant', []), /got none/);
});

test('ConstantOfShape fills a shape with the value, float32 zero by default', async () => {
  assert.equal(plain(await runTensor('ConstantOfShape', [i64([2, 3])], { value: i32([7]) })), { dims: [2, 3], data: [7, 7, 7, 7, 7, 7] });
  const zeros = await runTensor('ConstantOfShape', [i64([2])]);
  assert.equal([zeros.type, ...plain(zeros).data], ['float32', 0, 0]);
  assert.equal(plain(await runTensor('ConstantOfShape', [i64([], [0])], { value: str(['s']) })), { dims: [], data: ['s'] });
  assert.equal((await runTensor('ConstantOfShape', [i64([3, 0])])).dims, [3, 0]);
  await rejects(() => runTensor('ConstantOfShape', [i64([-1])]), /negative dimension/);
});

test('EyeLike sets ones on diagonal k, in the input type or dtype', async () => {
  assert.equal(plain(await runTensor('EyeLike', [i32([0, 0, 0, 0, 0, 0], [2, 3])], { k: 1 })).data, [0, 1, 0, 0, 0, 1]);
  const floats = await runTensor('EyeLike', [i32([0, 0, 0, 0, 0, 0], [3, 2])], { k: -1, dtype: 1 });
  assert.equal([floats.type, ...plain(floats).data], ['float32', 0, 0, 1, 0, 0, 1]);
  const half = await runTensor('EyeLike', [new Tensor('float16', new Uint16Array(4), [2, 2])]);
  assert.equal(plain(half).data, [0x3c00, 0, 0, 0x3c00]);
  await rejects(() => runTensor('EyeLike', [f32([0, 0])]), /must be 2-D/);
});

test('Range counts ceil((limit - start) / delta), exactly in int64', async () => {
  assert.equal(plain(await runTensor('Range', [i64([10], []), i64([4], []), i64([-2], [])])).data, [10n, 8n, 6n]);
  assert.equal(plain(await runTensor('Range', [f32([3], []), f32([9], []), f32([3], [])])).data, [3, 6]);
  assert.equal(plain(await runTensor('Range', [i32([1], []), i32([1], []), i32([1], [])])).dims, [0]);
  const big = await runTensor('Range', [i64([9223372036854775800n], []), i64([9223372036854775807n], []), i64([3], [])]);
  assert.equal(plain(big).data, [9223372036854775800n, 9223372036854775803n, 9223372036854775806n]);
  const half = (v: number) => new Tensor('float16', Uint16Array.of(v), []);
  // float16 1, 2 and 0.25: 1, 1.25, 1.5, 1.75 are 0x3c00, 0x3d00, 0x3e00, 0x3f00.
  const range16 = await runTensor('Range', [half(0x3c00), half(0x4000), half(0x3400)], {}, { opset: 27 });
  assert.equal(plain(range16).data, [0x3c00, 0x3d00, 0x3e00, 0x3f00]);
  // float16 arrived with opset 27.
  await rejects(() => runTensor('Range', [half(0x3c00), half(0x4000), half(0x3400)], {}, { opset: 26 }), /no kernel accepts/);
  await rejects(() => runTensor('Range', [i64([0], []), i64([4], []), i64([0], [])]), /'delta' is 0/);
});

test('Shape with start/end, and Size', async () => {
  const x = f32(new Array(24).fill(0), [2, 3, 4]);
  assert.equal(plain(await runTensor('Shape', [x])).data, [2n, 3n, 4n]);
  assert.equal(plain(await runTensor('Shape', [x], { start: 1 })).data, [3n, 4n]);
  assert.equal(plain(await runTensor('Shape', [x], { end: -1 })).data, [2n, 3n]);
  assert.equal(plain(await runTensor('Shape', [x], { start: 5 })), { dims: [0], data: [] });
  assert.equal(plain(await runTensor('Shape', [x], { start: 2, end: 1 })), { dims: [0], data: [] });
  assert.equal(plain(await runTensor('Size', [x])), { dims: [], data: [24n] });
});

test('Identity passes tensors, sequences and empty optionals through', async () => {
  const x = f32([1, 2]);
  assert.is((await runNode('Identity', [x]))[0], x);
  const seq = [x, f32([3])];
  assert.is((await runNode('Identity', [seq]))[0], seq);
  assert.is((await runNode('Identity', [null]))[0], null);
});

test('Unique returns values, first indices, inverse indices and counts, sorted or in order of appearance', async () => {
  const x = f32([2, 1, 1, 3, 4, 3]);
  const sorted = await runNode('Unique', [x], {}, { outputs: 4 });
  assert.equal(sorted.map((t) => plain(t).data), [[1, 2, 3, 4], [1n, 0n, 3n, 4n], [1n, 0n, 0n, 2n, 3n, 2n], [2n, 1n, 2n, 1n]]);
  const unsorted = await runNode('Unique', [x], { sorted: 0 }, { outputs: 4 });
  assert.equal(unsorted.map((t) => plain(t).data), [[2, 1, 3, 4], [0n, 1n, 3n, 4n], [0n, 1n, 1n, 2n, 3n, 2n], [1n, 2n, 2n, 1n]]);
  const rows = await runNode('Unique', [f32([2, 3, 4, 1, 0, 0, 1, 0, 0], [3, 3])], { axis: 0 }, { outputs: 4 });
  assert.equal(rows.map(plain), [
    { dims: [2, 3], data: [1, 0, 0, 2, 3, 4] }, { dims: [2], data: [1n, 0n] },
    { dims: [3], data: [1n, 0n, 0n] }, { dims: [2], data: [2n, 1n] },
  ]);
  assert.equal(plain((await runNode('Unique', [str(['b', 'a', 'b'])]))[0]).data, ['a', 'b']);
  // float16 codes compare by value: -0 (0x8000) and 0 are one value, 2 (0x4000) sorts after 1 (0x3c00).
  const half = await runNode('Unique', [new Tensor('float16', Uint16Array.from([0x4000, 0x8000, 0x3c00, 0x0000]), [4])], {}, { outputs: 4 });
  assert.equal([plain(half[0]).data, plain(half[3]).data], [[0x8000, 0x3c00, 0x4000], [2n, 1n, 1n]]);
  const nan = await runNode('Unique', [f32([NaN, 1, NaN])], {}, { outputs: 4 });
  assert.equal([plain(nan[0]).data, plain(nan[3]).data], [[1, NaN], [1n, 2n]]);
});

test.run();
