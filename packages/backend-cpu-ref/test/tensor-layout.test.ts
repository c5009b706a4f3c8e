import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { f32, i32, i64, plain, rejects, runNode, runTensor, str } from './tensor-harness.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

test('Transpose reverses axes by default and permutes strings and complex numbers', async () => {
  assert.equal(plain(await runTensor('Transpose', [f32([1, 2, 3, 4, 5, 6], [2, 3])])), { dims: [3, 2], data: [1, 4, 2, 5, 3, 6] });
  const s = await runTensor('Transpose', [str(['a', 'b', 'c', 'd', 'e', 'f'], [1, 2, 3])], { perm: [2, 0, 1] });
  assert.equal(plain(s), { dims: [3, 1, 2], data: ['a', 'd', 'b', 'e', 'c', 'f'] });
  const c = new Tensor('complex64', Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), [2, 2]);
  assert.equal(plain(await runTensor('Transpose', [c])), { dims: [2, 2], data: [1, 2, 5, 6, 3, 4, 7, 8] });
  await rejects(() => runTensor('Transpose', [f32([1, 2], [1, 2])], { perm: [0, 0] }), /not a permutation/);
});

test('Reshape copies 0 dims, infers -1, and keeps real zeros with allowzero', async () => {
  const x = f32([1, 2, 3, 4, 5, 6], [2, 3]);
  assert.equal((await runTensor('Reshape', [x, i64([0, -1, 1])])).dims, [2, 3, 1]);
  assert.equal((await runTensor('Reshape', [x, i64([-1])])).dims, [6]);
  assert.equal((await runTensor('Reshape', [x], { shape: [3, 2] }, { opset: 4 })).dims, [3, 2]);
  const empty = new Tensor('float32', new Float32Array(0), [0, 3]);
  assert.equal((await runTensor('Reshape', [empty, i64([3, 0])], { allowzero: 1 })).dims, [3, 0]);
  await rejects(() => runTensor('Reshape', [empty, i64([0, -1])], { allowzero: 1 }), /both 0 and -1/);
  await rejects(() => runTensor('Reshape', [x, i64([4, -1])]), /cannot be inferred/);
  await rejects(() => runTensor('Reshape', [x, i64([-1, -1])]), /more than one -1/);
});

test('Flatten, Squeeze and Unsqueeze with negative axes and the attribute forms', async () => {
  const x = f32(new Array(24).fill(0), [2, 3, 4]);
  assert.equal((await runTensor('Flatten', [x], { axis: -1 })).dims, [6, 4]);
  assert.equal((await runTensor('Flatten', [x], { axis: 0 })).dims, [1, 24]);
  assert.equal((await runTensor('Flatten', [x], { axis: 3 })).dims, [24, 1]);
  const ones = f32([7], [1, 1, 1]);
  assert.equal((await runTensor('Squeeze', [ones, i64([-1, 0])])).dims, [1]);
  assert.equal((await runTensor('Squeeze', [ones])).dims, []);
  assert.equal((await runTensor('Squeeze', [ones], { axes: [1] }, { opset: 11 })).dims, [1, 1]);
  await rejects(() => runTensor('Squeeze', [x, i64([1])]), /axis 1 has size 3/);
  assert.equal((await runTensor('Unsqueeze', [x, i64([-1, 0])])).dims, [1, 2, 3, 4, 1]);
  assert.equal((await runTensor('Unsqueeze', [x], { axes: [1] }, { opset: 11 })).dims, [2, 1, 3, 4]);
  await rejects(() => runTensor('Unsqueeze', [x, i64([0, 0])]), /repeat an axis/);
});

test('Slice walks backwards with negative steps and clamps huge int64 bounds', async () => {
  const x = f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(plain(await runTensor('Slice', [x, i64([8]), i64([INT64_MIN]), undefined, i64([-3])])).data, [8, 5, 2]);
  assert.equal(plain(await runTensor('Slice', [x, i64([-2]), i64([INT64_MAX])])).data, [8, 9]);
  assert.equal(plain(await runTensor('Slice', [x, i64([5]), i64([2])])).dims, [0]);
  const m = f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 4]);
  assert.equal(plain(await runTensor('Slice', [m, i32([1]), i32([3]), i32([-1])])), { dims: [3, 2], data: [1, 2, 5, 6, 9, 10] });
  assert.equal(plain(await runTensor('Slice', [m, i64([2, 3]), i64([-10, -10]), i64([0, 1]), i64([-2, -2])])),
    { dims: [2, 2], data: [11, 9, 3, 1] });
  assert.equal(plain(await runTensor('Slice', [m], { starts: [0, 1], ends: [2, 3] }, { opset: 9 })), { dims: [2, 2], data: [1, 2, 5, 6] });
  await rejects(() => runTensor('Slice', [x, i64([0]), i64([3]), undefined, i64([0])]), /step .* is 0/);
});

test('Split by sizes (input or attribute), by num_outputs, and evenly', async () => {
  const x = f32([1, 2, 3, 4, 5, 6]);
  const parts = async (...args: Parameters<typeof runNode>) => (await runNode(...args)).map((t) => plain(t).data);
  assert.equal(await parts('Split', [x, i64([1, 5])], {}, { outputs: 2 }), [[1], [2, 3, 4, 5, 6]]);
  assert.equal(await parts('Split', [x], { split: [2, 4] }, { outputs: 2, opset: 11 }), [[1, 2], [3, 4, 5, 6]]);
  assert.equal(await parts('Split', [x, f32([4, 2])], {}, { outputs: 2, opset: 1 }), [[1, 2, 3, 4], [5, 6]]);
  assert.equal(await parts('Split', [x], {}, { outputs: 3 }), [[1, 2], [3, 4], [5, 6]]);
  assert.equal(await parts('Split', [f32([1, 2, 3, 4, 5])], { num_outputs: 3 }, { outputs: 3 }), [[1, 2], [3, 4], [5]]);
  const m = await runNode('Split', [f32([1, 2, 3, 4], [2, 2])], { axis: -1 }, { outputs: 2 });
  assert.equal(m.map(plain), [{ dims: [2, 1], data: [1, 3] }, { dims: [2, 1], data: [2, 4] }]);
  await rejects(() => runNode('Split', [x, i64([1, 2])], {}, { outputs: 2 }), /do not add up/);
  await rejects(() => runNode('Split', [f32([1, 2, 3])], {}, { outputs: 2 }), /does not split evenly/);
});

test('Concat joins along negative axes, accepts empty parts and rejects mismatches', async () => {
  const joined = await runTensor('Concat', [str(['a', 'd'], [2, 1]), str(['b', 'c', 'e', 'f'], [2, 2])], { axis: -1 });
  assert.equal(plain(joined), { dims: [2, 3], data: ['a', 'b', 'c', 'd', 'e', 'f'] });
  const empty = new Tensor('float32', new Float32Array(0), [0, 2]);
  assert.equal(plain(await runTensor('Concat', [empty, f32([1, 2], [1, 2])], { axis: 0 })), { dims: [1, 2], data: [1, 2] });
  // Opset 1 concatenates on axis 1 when the attribute is absent.
  assert.equal((await runTensor('Concat', [f32([1], [1, 1]), f32([2], [1, 1])], {}, { opset: 1 })).dims, [1, 2]);
  await rejects(() => runTensor('Concat', [f32([1]), i64([1])], { axis: 0 }), /input 1 is int64/);
  await rejects(() => runTensor('Concat', [f32([1, 2], [1, 2]), f32([1, 2, 3], [1, 3])], { axis: 0 }), /not concatenable/);
});

test('Expand broadcasts both ways, keeps int64 exact, and checks the size before allocating', async () => {
  const x = i64([INT64_MAX, -1n], [2, 1]);
  assert.equal(plain(await runTensor('Expand', [x, i64([2, 3])])), { dims: [2, 3], data: [INT64_MAX, INT64_MAX, INT64_MAX, -1n, -1n, -1n] });
  assert.equal((await runTensor('Expand', [x, i64([1, 1])])).dims, [2, 1]);
  assert.equal((await runTensor('Expand', [x, i64([3, 1, 1])])).dims, [3, 2, 1]);
  await rejects(() => runTensor('Expand', [x, i64([3, 3])]), /cannot be broadcast/);
  await rejects(() => runTensor('Expand', [x, i64([-2, 1])]), /negative dimension/);
  await rejects(() => runTensor('Expand', [f32([1]), i64([100000, 100000, 1000])]), /exceeds the session limit/);
});

test('Tile repeats along each axis (opset 6+) and along one axis (opset 1)', async () => {
  const x = f32([1, 2, 3, 4], [2, 2]);
  assert.equal(plain(await runTensor('Tile', [x, i64([1, 2])])), { dims: [2, 4], data: [1, 2, 1, 2, 3, 4, 3, 4] });
  assert.equal(plain(await runTensor('Tile', [x, i64([2, 1])])), { dims: [4, 2], data: [1, 2, 3, 4, 1, 2, 3, 4] });
  assert.equal((await runTensor('Tile', [x, i64([0, 1])])).dims, [0, 2]);
  assert.equal(plain(await runTensor('Tile', [f32([1, 2]), i64([3], []), i64([0], [])], {}, { opset: 1 })).data, [1, 2, 1, 2, 1, 2]);
  await rejects(() => runTensor('Tile', [x, i64([2])]), /has 1 values, the input has rank 2/);
});

test('Pad in every mode, with negative pads, axes, and the attribute forms', async () => {
  const x = f32([1, 2, 3]);
  const pad = async (mode: string, pads: number[], value?: number) =>
    plain(await runTensor('Pad', [x, i64(pads), value === undefined ? undefined : f32([value], [])], { mode })).data;
  assert.equal(await pad('constant', [2, 1], 9), [9, 9, 1, 2, 3, 9]);
  assert.equal(await pad('constant', [1, 0]), [0, 1, 2, 3]);
  assert.equal(await pad('reflect', [2, 2]), [3, 2, 1, 2, 3, 2, 1]);
  assert.equal(await pad('reflect', [4, 0]), [1, 2, 3, 2, 1, 2, 3]);
  assert.equal(await pad('edge', [2, 1]), [1, 1, 1, 2, 3, 3]);
  assert.equal(await pad('wrap', [2, 1]), [2, 3, 1, 2, 3, 1]);
  // Cropping comes first, so the edge that is repeated is the new one.
  assert.equal(await pad('edge', [-1, 1]), [2, 3, 3]);
  const m = f32([1, 2, 3, 4], [2, 2]);
  assert.equal(plain(await runTensor('Pad', [m, i64([1, 0]), undefined, i64([-1])])), { dims: [2, 3], data: [0, 1, 2, 0, 3, 4] });
  assert.equal(plain(await runTensor('Pad', [f32([1, 2])], { pads: [1, 1], value: 5 }, { opset: 2 })).data, [5, 1, 2, 5]);
  assert.equal(plain(await runTensor('Pad', [f32([1, 2])], { paddings: [0, 2], mode: 'edge' }, { opset: 1 })).data, [1, 2, 2, 2]);
  assert.equal(plain(await runTensor('Pad', [str(['a', 'b']), i64([1, 0]), str(['z'], [])])).data, ['z', 'a', 'b']);
  const empty = new Tensor('float32', new Float32Array(0), [0]);
  await rejects(() => runTensor('Pad', [empty, i64([1, 0])], { mode: 'edge' }), /nothing to pad it with/);
  await rejects(() => runTensor('Pad', [x, i64([1])]), /expected 2/);
});

test('DepthToSpace (DCR and CRD) and SpaceToDepth move channels into blocks and back', async () => {
  const x = f32([0, 1, 2, 3, 4, 5, 6, 7], [1, 8, 1, 1]);
  const dcr = await runTensor('DepthToSpace', [x], { blocksize: 2 });
  assert.equal(plain(dcr), { dims: [1, 2, 2, 2], data: [0, 2, 4, 6, 1, 3, 5, 7] });
  assert.equal(plain(await runTensor('DepthToSpace', [x], { blocksize: 2, mode: 'CRD' })).data, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(plain(await runTensor('SpaceToDepth', [dcr], { blocksize: 2 })), { dims: [1, 8, 1, 1], data: [0, 1, 2, 3, 4, 5, 6, 7] });
  await rejects(() => runTensor('DepthToSpace', [x], { blocksize: 3 }), /not a multiple/);
  await rejects(() => runTensor('SpaceToDepth', [x], { blocksize: 2 }), /multiples of blocksize/);
});

test('data movement keeps the codes of every storage kind: float8, bfloat16, int4, uint64, complex', async () => {
  const e4m3 = new Tensor('float8e4m3fn', Uint8Array.from([0x38, 0x40, 0x7e, 0xff]), [2, 2]);
  assert.equal(plain(await runTensor('Transpose', [e4m3])), { dims: [2, 2], data: [0x38, 0x7e, 0x40, 0xff] });
  const bf16 = new Tensor('bfloat16', Uint16Array.from([0x3f80, 0x4000]), [2]);
  assert.equal(plain(await runTensor('Concat', [bf16, bf16], { axis: 0 })).data, [0x3f80, 0x4000, 0x3f80, 0x4000]);
  const int4 = new Tensor('int4', Int8Array.from([-8, 7, -1]), [3]);
  assert.equal(plain(await runTensor('Slice', [int4, i64([-1]), i64([-4]), undefined, i64([-1])])).data, [-1, 7, -8]);
  const u64 = new Tensor('uint64', BigUint64Array.from([18446744073709551615n, 1n]), [2]);
  assert.equal(plain(await runTensor('Tile', [u64, i64([2])])).data, [18446744073709551615n, 1n, 18446744073709551615n, 1n]);
  const c128 = new Tensor('complex128', Float64Array.from([1, -1, 2, -2]), [2]);
  const padded = await runTensor('Pad', [c128, i64([1, 0]), new Tensor('complex128', Float64Array.from([9, 8]), [])]);
  assert.equal(plain(padded).data, [9, 8, 1, -1, 2, -2]);
  // Opset 1-10 Pad reads its fill as a float attribute, so it only takes float data.
  await rejects(() => runTensor('Pad', [str(['a'])], { pads: [1, 0] }, { opset: 10 }), /no kernel accepts/);
});

test.run();
