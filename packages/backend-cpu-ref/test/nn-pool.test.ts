// Pooling: AveragePool, MaxPool (with Indices), LpPool, the global pools and MaxUnpool, on values worked out by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { f32, i64, plain, rejects, runNode, runTensor } from './tensor-harness.js';

const grid4 = f32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 1, 4, 4]);

test('MaxPool takes window maxima; Indices count row-major or, with storage_order 1, column-major per plane', async () => {
  const [y, rowMajor] = await runNode('MaxPool', [grid4], { kernel_shape: [2, 2], strides: [2, 2] }, { outputs: 2 });
  assert.equal(plain(y), { dims: [1, 1, 2, 2], data: [6, 8, 14, 16] });
  assert.equal(plain(rowMajor).data, [5n, 7n, 13n, 15n]);
  const [, columnMajor] = await runNode('MaxPool', [grid4], { kernel_shape: [2, 2], strides: [2, 2], storage_order: 1 }, { outputs: 2 });
  assert.equal(plain(columnMajor).data, [5n, 13n, 7n, 15n]);
  // The second plane's indices continue after the first plane's 4 elements.
  const [, planes] = await runNode('MaxPool', [f32([1, 2, 4, 3], [1, 2, 2])], { kernel_shape: [2] }, { outputs: 2 });
  assert.equal(plain(planes).data, [1n, 2n]);
});

test('MaxPool ignores padding, works on int8, and dilates its window', async () => {
  const x = new Tensor('int8', Int8Array.from([-5, -3, -9]), [1, 1, 3]);
  const y = await runTensor('MaxPool', [x], { kernel_shape: [2], pads: [1, 1] });
  assert.is(y.type, 'int8');
  assert.equal(plain(y).data, [-5, -3, -3, -9]);
  const dilated = await runTensor('MaxPool', [f32([1, 5, 2, 4, 3], [1, 1, 5])], { kernel_shape: [2], dilations: [2] });
  assert.equal(plain(dilated).data, [2, 5, 3]);
});

test('AveragePool divides by the real elements, or by the padded window with count_include_pad', async () => {
  const x = f32([3, 6, 9], [1, 1, 3]);
  assert.equal(plain(await runTensor('AveragePool', [x], { kernel_shape: [2], pads: [1, 1] })).data, [3, 4.5, 7.5, 9]);
  assert.equal(plain(await runTensor('AveragePool', [x], { kernel_shape: [2], pads: [1, 1], count_include_pad: 1 })).data, [1.5, 4.5, 7.5, 4.5]);
  const cube = await runTensor('AveragePool', [f32([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 2, 2])], { kernel_shape: [2, 2, 2] });
  assert.equal(plain(cube), { dims: [1, 1, 1, 1, 1], data: [4.5] });
});

test('ceil_mode adds a last partial window, but never one that starts in the end padding', async () => {
  const x = f32([1, 2, 3, 4, 5], [1, 1, 5]);
  assert.equal(plain(await runTensor('AveragePool', [x], { kernel_shape: [2], strides: [2] })).data, [1.5, 3.5]);
  assert.equal(plain(await runTensor('AveragePool', [x], { kernel_shape: [2], strides: [2], ceil_mode: 1 })).data, [1.5, 3.5, 5]);
  // Length 4, kernel 3, stride 2, end pad 2: a third window would start at 4, inside the padding.
  const y = await runTensor('AveragePool', [f32([1, 2, 3, 4], [1, 1, 4])], { kernel_shape: [3], strides: [2], pads: [0, 2], ceil_mode: 1 });
  assert.equal(plain(y).data, [2, 3.5]);
});

test('auto_pad SAME_UPPER and SAME_LOWER place the odd pad element differently', async () => {
  const x = f32([1, 2, 3, 4], [1, 1, 4]);
  assert.equal(plain(await runTensor('MaxPool', [x], { kernel_shape: [2], auto_pad: 'SAME_UPPER' })).data, [2, 3, 4, 4]);
  assert.equal(plain(await runTensor('MaxPool', [x], { kernel_shape: [2], auto_pad: 'SAME_LOWER' })).data, [1, 2, 3, 4]);
});

test('LpPool and the global pools', async () => {
  assert.equal(plain(await runTensor('LpPool', [f32([3, 4], [1, 1, 2])], { kernel_shape: [2] })).data, [5]);
  assert.equal(plain(await runTensor('LpPool', [f32([3, -4], [1, 1, 2])], { kernel_shape: [2], p: 1 })).data, [7]);
  const x = f32([1, 2, 3, 4], [1, 2, 2]);
  assert.equal(plain(await runTensor('GlobalAveragePool', [x])), { dims: [1, 2, 1], data: [1.5, 3.5] });
  assert.equal(plain(await runTensor('GlobalMaxPool', [x])).data, [2, 4]);
  assert.equal(plain(await runTensor('GlobalLpPool', [f32([3, 4, 0, 5], [1, 2, 2])])).data, [5, 5]);
});

test('pooling refuses missing or inconsistent kernel attributes', async () => {
  await rejects(() => runTensor('MaxPool', [grid4]), /required attribute 'kernel_shape'/);
  await rejects(() => runTensor('MaxPool', [grid4], { kernel_shape: [2] }), /kernel has 1 spatial dims but the input has 2/);
  await rejects(() => runTensor('AveragePool', [grid4], { kernel_shape: [2, 2], strides: [0, 1] }), /'strides' values must be >= 1/);
  await rejects(() => runTensor('MaxPool', [f32([1, 2], [2])], { kernel_shape: [1] }), /rank >= 3/);
});

test('MaxUnpool writes each value at its index; a larger output_shape extends the axes at their end', async () => {
  const x = f32([5, 6, 7, 8], [1, 1, 2, 2]);
  const indices = i64([5, 7, 13, 15], [1, 1, 2, 2]);
  const y = await runTensor('MaxUnpool', [x, indices], { kernel_shape: [2, 2], strides: [2, 2] });
  assert.equal(plain(y), { dims: [1, 1, 4, 4], data: [0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 7, 0, 8] });
  const wide = await runTensor('MaxUnpool', [x, indices, i64([1, 1, 5, 5])], { kernel_shape: [2, 2], strides: [2, 2] });
  const expected = new Array(25).fill(0);
  [[6, 5], [8, 6], [16, 7], [18, 8]].forEach(([at, v]) => { expected[at] = v; });
  assert.equal(plain(wide), { dims: [1, 1, 5, 5], data: expected });
  await rejects(() => runTensor('MaxUnpool', [x, i64([5, 7, 13, 16], [1, 1, 2, 2])], { kernel_shape: [2, 2], strides: [2, 2] }), /index 16 .* outside/);
});

test.run();
