import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { bool, f32, i32, i64, plain, rejects, runTensor, str } from './tensor-harness.js';

test('Gather picks slices along an axis, with negative and scalar indices', async () => {
  const data = f32([1, 2, 3, 4, 5, 6], [3, 2]);
  assert.equal(plain(await runTensor('Gather', [data, i64([0, -1], [1, 2])])), { dims: [1, 2, 2], data: [1, 2, 5, 6] });
  assert.equal(plain(await runTensor('Gather', [data, i32([1])], { axis: -1 })), { dims: [3, 1], data: [2, 4, 6] });
  assert.equal(plain(await runTensor('Gather', [data, i64([1], [])])), { dims: [2], data: [3, 4] });
  assert.equal(plain(await runTensor('Gather', [str(['x', 'y', 'z']), i64([2, 2])])).data, ['z', 'z']);
  await rejects(() => runTensor('Gather', [data, i64([3])]), /index 3 is out of range/);
});

test('GatherElements reads along the axis at each index position', async () => {
  const data = f32([1, 2, 3, 4], [2, 2]);
  assert.equal(plain(await runTensor('GatherElements', [data, i64([0, 0, 1, 0], [2, 2])], { axis: 1 })).data, [1, 1, 4, 3]);
  assert.equal(plain(await runTensor('GatherElements', [data, i64([-1, 0], [1, 2])])), { dims: [1, 2], data: [3, 2] });
  await rejects(() => runTensor('GatherElements', [data, i64([2], [1, 1])]), /out of range/);
});

test('GatherND reads elements and slices, with batch_dims', async () => {
  const data = f32([0, 1, 2, 3], [2, 2]);
  assert.equal(plain(await runTensor('GatherND', [data, i64([0, 0, 1, 1], [2, 2])])), { dims: [2], data: [0, 3] });
  assert.equal(plain(await runTensor('GatherND', [data, i64([1, 0], [2, 1])])), { dims: [2, 2], data: [2, 3, 0, 1] });
  const batched = f32([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]);
  assert.equal(plain(await runTensor('GatherND', [batched, i64([1, 0], [2, 1])], { batch_dims: 1 })), { dims: [2, 2], data: [2, 3, 4, 5] });
  await rejects(() => runTensor('GatherND', [data, i64([0, 0, 0], [1, 3])]), /do not fit/);
});

test('ScatterElements writes updates in order, and reduces with add, mul, max and min', async () => {
  const zeros = f32(new Array(9).fill(0), [3, 3]);
  const indices = i64([1, 0, 2, 0, 2, 1], [2, 3]);
  const updates = f32([1, 1.5, 1.25, 2, 2.5, 2.25], [2, 3]);
  assert.equal(plain(await runTensor('ScatterElements', [zeros, indices, updates])).data, [2, 1.5, 0, 1, 0, 2.25, 0, 2.5, 1.25]);
  assert.equal(plain(await runTensor('Scatter', [zeros, indices, updates], {}, { opset: 9 })).data, [2, 1.5, 0, 1, 0, 2.25, 0, 2.5, 1.25]);
  const row = f32([1, 2, 3, 4, 5], [1, 5]);
  const dup = i64([1, 1], [1, 2]);
  const add = await runTensor('ScatterElements', [row, dup, f32([1.5, 2.5], [1, 2])], { axis: 1, reduction: 'add' });
  assert.equal(plain(add).data, [1, 6, 3, 4, 5]);
  const max = await runTensor('ScatterElements', [row, i64([-1, 0], [1, 2]), f32([4, 7], [1, 2])], { axis: 1, reduction: 'max' });
  assert.equal(plain(max).data, [7, 2, 3, 4, 5]);
  // (2^30 + 1)^2 wraps to 2^31 + 1 in int32; a float product would lose the low bit.
  const big = await runTensor('ScatterElements', [i32([1073741825]), i64([0]), i32([1073741825])], { reduction: 'mul' });
  assert.equal(plain(big).data, [-2147483647]);
  const min = await runTensor('ScatterElements', [i64([5n, 9223372036854775807n]), i64([1]), i64([9223372036854775806n])], { reduction: 'min' });
  assert.equal(plain(min).data, [5n, 9223372036854775806n]);
  const or = await runTensor('ScatterElements', [bool([false, false]), i64([0, 0]), bool([true, false])], { reduction: 'add' });
  assert.equal(plain(or).data, [1, 0]);
  await rejects(() => runTensor('ScatterElements', [str(['a']), i64([0]), str(['b'])], { reduction: 'add' }), /not numeric/);
  await rejects(() => runTensor('ScatterElements', [row, dup, f32([1], [1, 1])], { axis: 1 }), /differs from 'indices'/);
});

test('ScatterND writes elements and slices, reducing repeated targets', async () => {
  const data = f32([1, 2, 3, 4, 5, 6, 7, 8]);
  const written = await runTensor('ScatterND', [data, i64([4, 3, 1, 7], [4, 1]), f32([9, 10, 11, 12])]);
  assert.equal(plain(written).data, [1, 11, 3, 10, 9, 6, 7, 12]);
  const rows = await runTensor('ScatterND', [f32([1, 2, 3, 4], [2, 2]), i64([1], [1, 1]), f32([8, 9], [1, 2])]);
  assert.equal(plain(rows).data, [1, 2, 8, 9]);
  const summed = await runTensor('ScatterND', [f32([1, 2]), i64([0, 0], [2, 1]), f32([5, 6])], { reduction: 'add' });
  assert.equal(plain(summed).data, [12, 2]);
  await rejects(() => runTensor('ScatterND', [data, i64([0], [1, 1]), f32([1, 2])]), /expected \[1\]/);
});

test('Compress selects along an axis or over the flattened input', async () => {
  const x = f32([1, 2, 3, 4, 5, 6], [3, 2]);
  assert.equal(plain(await runTensor('Compress', [x, bool([false, true, true])], { axis: 0 })), { dims: [2, 2], data: [3, 4, 5, 6] });
  assert.equal(plain(await runTensor('Compress', [x, bool([true])], { axis: -1 })), { dims: [3, 1], data: [1, 3, 5] });
  assert.equal(plain(await runTensor('Compress', [x, bool([false, true, false, false, true])])), { dims: [2], data: [2, 5] });
  await rejects(() => runTensor('Compress', [x, bool([false, false, true])], { axis: 1 }), /beyond the axis length/);
});

test('NonZero lists coordinates row-major, counting NaN and non-empty strings', async () => {
  assert.equal(plain(await runTensor('NonZero', [f32([1, 0, 1, NaN], [2, 2])])), { dims: [2, 3], data: [0n, 1n, 1n, 0n, 0n, 1n] });
  assert.equal(plain(await runTensor('NonZero', [str(['', 'a'])])), { dims: [1, 1], data: [1n] });
  assert.equal(plain(await runTensor('NonZero', [i64([5], [])])), { dims: [1, 1], data: [0n] });
  assert.equal(plain(await runTensor('NonZero', [f32([0, 0])])), { dims: [1, 0], data: [] });
});

test('OneHot places on/off values, counts negative indices back, and leaves out-of-range rows off', async () => {
  const out = await runTensor('OneHot', [i64([0, 2, -1, 5]), f32([3], []), f32([0, 1])]);
  assert.equal(plain(out), { dims: [4, 3], data: [1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0] });
  const strings = await runTensor('OneHot', [f32([1, 0]), i32([2]), str(['off', 'on'])], { axis: 0 });
  assert.equal(plain(strings), { dims: [2, 2], data: ['off', 'on', 'on', 'off'] });
  await rejects(() => runTensor('OneHot', [i64([0]), f32([0], []), f32([0, 1])]), /must be positive/);
});

test('TensorScatter writes updates into the cache linearly or circularly', async () => {
  const past = f32([0, 0, 0, 0, 0, 0], [2, 3, 1]);
  const update = f32([1, 2, 3, 4], [2, 2, 1]);
  assert.equal(plain(await runTensor('TensorScatter', [past, update, i64([1, 0])])).data, [0, 1, 2, 3, 4, 0]);
  assert.equal(plain(await runTensor('TensorScatter', [past, update])).data, [1, 2, 0, 3, 4, 0]);
  const circular = await runTensor('TensorScatter', [past, update, i64([0, 2])], { mode: 'circular' });
  assert.equal(plain(circular).data, [1, 2, 0, 4, 0, 3]);
  await rejects(() => runTensor('TensorScatter', [past, update, i64([0, 2])]), /outside the cache length/);
});

test('ReverseSequence reverses each batch entry up to its length', async () => {
  const x = f32(Array.from({ length: 16 }, (_, i) => i), [4, 4]);
  const out = await runTensor('ReverseSequence', [x, i64([4, 3, 2, 1])], { batch_axis: 1, time_axis: 0 });
  assert.equal(plain(out).data, [12, 9, 6, 3, 8, 5, 2, 7, 4, 1, 10, 11, 0, 13, 14, 15]);
  const batchMajor = await runTensor('ReverseSequence', [f32([1, 2, 3, 4, 5, 6], [2, 3]), i64([2, 3])], { batch_axis: 0, time_axis: 1 });
  assert.equal(plain(batchMajor).data, [2, 1, 3, 6, 5, 4]);
  await rejects(() => runTensor('ReverseSequence', [x, i64([5, 1, 1, 1])]), /outside \[0, 4\]/);
});

test('Trilu keeps the upper or lower triangle relative to diagonal k', async () => {
  const x = i64([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]);
  assert.equal(plain(await runTensor('Trilu', [x])).data, [1n, 2n, 3n, 0n, 5n, 6n, 0n, 0n, 9n]);
  assert.equal(plain(await runTensor('Trilu', [x, i64([1], [])])).data, [0n, 2n, 3n, 0n, 0n, 6n, 0n, 0n, 0n]);
  assert.equal(plain(await runTensor('Trilu', [x, i64([-1], [])], { upper: 0 })).data, [0n, 0n, 0n, 4n, 0n, 0n, 7n, 8n, 0n]);
  const batch = new Tensor('bool', Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1]), [2, 2, 2]);
  assert.equal(plain(await runTensor('Trilu', [batch], { upper: 0 })).data, [1, 0, 1, 1, 1, 0, 1, 1]);
});

test.run();
