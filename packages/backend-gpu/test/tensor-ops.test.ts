// Data movement and shape ops against cpu-ref: every storable type (int64 included) through Transpose, Concat,
// Slice, Split, Expand, Tile, Gather, GatherElements, Pad, DepthToSpace, Trilu, and the shape-only ops.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { f32, i64, matchesReference, random, randomTensor, rejects, runNode } from './harness.js';

const next = random(31);
const TYPES = ['float32', 'float16', 'int32', 'int8', 'uint8', 'bool', 'int64'] as const;

test('Transpose, Concat, Split and Expand move every storable type', async () => {
  for (const type of TYPES) {
    const x = randomTensor(type, [2, 3, 4], next, -50, 50);
    await matchesReference({ op: 'Transpose', inputs: [x], attrs: { perm: [2, 0, 1] } });
    await matchesReference({ op: 'Transpose', inputs: [x] });
    await matchesReference({ op: 'Concat', inputs: [x, randomTensor(type, [2, 1, 4], next, -50, 50), x], attrs: { axis: 1 } });
    await matchesReference({ op: 'Split', inputs: [x, i64([1, 3])], attrs: { axis: 2 }, outputs: 2, opset: 13 });
    await matchesReference({ op: 'Expand', inputs: [randomTensor(type, [3, 1], next, -50, 50), i64([2, 3, 5])] });
  }
  await matchesReference({ op: 'Split', inputs: [randomTensor('float32', [7, 2], next)], attrs: { num_outputs: 3 }, outputs: 3, opset: 18 });
  await matchesReference({ op: 'Concat', inputs: [f32([], [0, 2]), f32([1, 2], [1, 2])], attrs: { axis: 0 } });
});

test('Slice with negative, clamped and reversed ranges', async () => {
  const x = randomTensor('float32', [5, 6, 7], next);
  const cases: number[][][] = [
    [[1, 0], [4, 6], [0, 1], [1, 2]], [[-1], [-100], [2], [-2]], [[0, 2], [1000, -1], [1, 2], [1, 1]], [[3], [3], [0], [1]],
  ];
  for (const [starts, ends, axes, steps] of cases) {
    await matchesReference({ op: 'Slice', inputs: [x, i64(starts), i64(ends), i64(axes), i64(steps)] });
  }
  await matchesReference({ op: 'Slice', inputs: [x], attrs: { starts: [1], ends: [-1], axes: [2] }, opset: 9 });
});

test('Gather and GatherElements with negative indices; Tile, Pad, DepthToSpace, SpaceToDepth, Trilu', async () => {
  const x = randomTensor('int64', [4, 5, 3], next, -1e6, 1e6);
  await matchesReference({ op: 'Gather', inputs: [x, i64([3, -1, 0, 0], [2, 2])], attrs: { axis: 1 } });
  await matchesReference({ op: 'Gather', inputs: [randomTensor('float32', [6, 2], next), new Tensor('int32', Int32Array.of(5, -6), [2])] });
  await matchesReference({ op: 'GatherElements', inputs: [randomTensor('float32', [3, 4], next), i64([0, -1, 2, 1, 3, 0], [3, 2])], attrs: { axis: 1 } });
  await matchesReference({ op: 'Tile', inputs: [randomTensor('int32', [2, 3], next, -9, 9), i64([3, 2])] });
  await matchesReference({ op: 'Pad', inputs: [randomTensor('float32', [2, 3], next), i64([1, 2, 0, -1]), f32([9], [])] });
  await matchesReference({ op: 'Pad', inputs: [randomTensor('int64', [2, 3], next, -5, 5), i64([0, 0, 2, 2])] });
  const d = randomTensor('float32', [1, 8, 2, 3], next);
  await matchesReference({ op: 'DepthToSpace', inputs: [d], attrs: { blocksize: 2 } });
  await matchesReference({ op: 'DepthToSpace', inputs: [d], attrs: { blocksize: 2, mode: 'CRD' } });
  await matchesReference({ op: 'SpaceToDepth', inputs: [randomTensor('float32', [1, 2, 4, 6], next)], attrs: { blocksize: 2 } });
  for (const k of [0, 2, -1]) {
    await matchesReference({ op: 'Trilu', inputs: [randomTensor('float32', [2, 4, 5], next), i64([k], [])] });
    await matchesReference({ op: 'Trilu', inputs: [randomTensor('int64', [4, 5], next, -9, 9), i64([k], [])], attrs: { upper: 0 } });
  }
});

test('shape-only ops share the buffer or answer from the dims', async () => {
  const x = randomTensor('float32', [2, 1, 3, 1], next);
  await matchesReference({ op: 'Reshape', inputs: [x, i64([3, -1])] });
  await matchesReference({ op: 'Reshape', inputs: [x, i64([0, 0, -1])] });
  await matchesReference({ op: 'Flatten', inputs: [x], attrs: { axis: 2 } });
  await matchesReference({ op: 'Squeeze', inputs: [x, i64([1, -1])] });
  await matchesReference({ op: 'Squeeze', inputs: [x] });
  await matchesReference({ op: 'Unsqueeze', inputs: [x, i64([0, -1])] });
  await matchesReference({ op: 'Shape', inputs: [x], attrs: { start: 1, end: -1 }, opset: 15 });
  await matchesReference({ op: 'Size', inputs: [x] });
  await matchesReference({ op: 'Identity', inputs: [x] });
  await matchesReference({ op: 'Dropout', inputs: [x], outputs: 2, opset: 12 });
  await matchesReference({ op: 'ConstantOfShape', inputs: [i64([2, 3])], attrs: { value: new Tensor('int64', BigInt64Array.of(-7n), [1]) } });
  await matchesReference({ op: 'ConstantOfShape', inputs: [i64([3])] });
  const out = await runNode('gpu', { op: 'Shape', inputs: [x] });
  assert.equal(Array.from((out.outputs[0] as Tensor).data as BigInt64Array), [2n, 1n, 3n, 1n]);
});

test('invalid shapes and indices raise cpu-ref\'s Errors', async () => {
  await rejects({ op: 'Reshape', inputs: [f32([1, 2, 3]), i64([4])] }, /Reshape/);
  await rejects({ op: 'Gather', inputs: [f32([1, 2, 3]), i64([3])] }, /out of range/);
  await rejects({ op: 'Concat', inputs: [f32([1, 2], [1, 2]), f32([1, 2, 3], [1, 3])], attrs: { axis: 0 } }, /Concat/);
  await rejects({ op: 'Transpose', inputs: [f32([1, 2], [1, 2])], attrs: { perm: [0, 0] } }, /perm/);
});

test.run();
