// Dropout and CenterCropPad, on values worked out by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { bool, f32, i64, plain, rejects, runNode, runTensor, str } from './tensor-harness.js';

test('Dropout outside training passes the data through and keeps every element in the mask', async () => {
  const x = f32([1, 2, 3]);
  const [y, mask] = await runNode('Dropout', [x], { ratio: 0.5 }, { outputs: 2, opset: 7 });
  assert.equal(plain(y).data, [1, 2, 3]);
  assert.equal(plain(mask), { dims: [3], data: [1, 1, 1] });
  assert.is((mask as Tensor).type, 'float32');
  const [, boolMask] = await runNode('Dropout', [x], {}, { outputs: 2, opset: 10 });
  assert.is((boolMask as Tensor).type, 'bool');
  const [same] = await runNode('Dropout', [x, f32([0.9], []), bool([false], [])], {}, { opset: 13 });
  assert.equal(plain(same).data, [1, 2, 3]);
});

test('Dropout in training zeroes dropped elements and scales the kept ones by 1/(1-ratio)', async () => {
  const x = f32(Array.from({ length: 200 }, (_, i) => i + 1));
  const [y, mask] = await runNode('Dropout', [x, f32([0.75], []), bool([true], [])], { seed: 3 }, { outputs: 2 });
  const values = plain(y).data as number[];
  const keep = plain(mask).data as number[];
  values.forEach((v, i) => assert.is(v, keep[i] ? (i + 1) * 4 : 0));
  const kept = keep.filter(Boolean).length;
  assert.ok(kept > 20 && kept < 80, `kept ${kept} of 200 at ratio 0.75`);
  const [again] = await runNode('Dropout', [x, f32([0.75], []), bool([true], [])], { seed: 3 });
  assert.equal(plain(again).data, values, 'the same seed repeats the draw');
  const [zero, all] = await runNode('Dropout', [x, f32([0], []), bool([true], [])], {}, { outputs: 2 });
  assert.equal(plain(zero).data, plain(x).data);
  assert.ok((plain(all).data as number[]).every((v) => v === 1));
  await rejects(() => runTensor('Dropout', [x, f32([1], []), bool([true], [])]), /ratio must be in \[0, 1\)/);
});

test('CenterCropPad crops to a centered window (start rounded down) and pads with the odd element at the end', async () => {
  const x = f32([1, 2, 3, 4, 5]);
  assert.equal(plain(await runTensor('CenterCropPad', [x, i64([3])])).data, [2, 3, 4]);
  assert.equal(plain(await runTensor('CenterCropPad', [x, i64([2])])).data, [2, 3]);
  assert.equal(plain(await runTensor('CenterCropPad', [x, i64([8])])).data, [0, 1, 2, 3, 4, 5, 0, 0]);
  const grid = f32([1, 2, 3, 4, 5, 6], [2, 3]);
  const y = await runTensor('CenterCropPad', [grid, i64([4, 1])]);
  assert.equal(plain(y), { dims: [4, 1], data: [0, 2, 5, 0] });
});

test('CenterCropPad on strings along chosen axes', async () => {
  const y = await runTensor('CenterCropPad', [str(['a', 'b', 'c', 'd'], [2, 2]), i64([4])], { axes: [-1] });
  assert.equal(plain(y), { dims: [2, 4], data: ['', 'a', 'b', '', '', 'c', 'd', ''] });
  await rejects(() => runTensor('CenterCropPad', [str(['a']), i64([1, 1])]), /shape has 2 values but there are 1 axes/);
});

test.run();
