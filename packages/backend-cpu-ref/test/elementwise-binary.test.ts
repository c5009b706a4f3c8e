// Binary and variadic ops of the elementwise family (arithmetic, comparisons, logic, bitwise, Where, Clip, PRelu,
// Max/Min/Sum/Mean), run through a session at a chosen opset. Expected values are worked out by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { bool, f32, i32, i64, plain, runTensor, str } from './tensor-harness.js';

/** Checks that `run` fails with a message matching `pattern`. */
const rejects = (run: () => Promise<unknown>, pattern: RegExp): Promise<void> =>
  run().then(() => assert.unreachable(`expected an error matching ${pattern}`), (e: Error) => assert.match(e.message, pattern));

const u64 = (values: bigint[]): Tensor => new Tensor('uint64', BigUint64Array.from(values), [values.length]);
const u32 = (values: number[]): Tensor => new Tensor('uint32', Uint32Array.from(values), [values.length]);
const u8 = (values: number[]): Tensor => new Tensor('uint8', Uint8Array.from(values), [values.length]);

test('Add broadcasts a row and a column against each other', async () => {
  const y = await runTensor('Add', [f32([1, 2], [2, 1]), f32([10, 20, 30], [1, 3])]);
  assert.equal(plain(y), { dims: [2, 3], data: [11, 21, 31, 12, 22, 32] });
});

test('opset 6 broadcasting lines B up with A at `axis` only when broadcast=1', async () => {
  const a = f32([0, 0, 0, 0, 0, 0], [2, 3, 1]);
  const y = await runTensor('Add', [a, f32([1, 2, 3])], { broadcast: 1, axis: 1 }, { opset: 6 });
  assert.equal(plain(y), { dims: [2, 3, 1], data: [1, 2, 3, 1, 2, 3] });
  const trailing = await runTensor('Mul', [f32([1, 2, 3, 4], [2, 2]), f32([10, 100])], { broadcast: 1 }, { opset: 6 });
  assert.equal(plain(trailing).data, [10, 200, 30, 400]);
  await rejects(() => runTensor('Add', [a, f32([1, 2, 3])], {}, { opset: 6 }), /without broadcast=1/);
  await rejects(() => runTensor('Sub', [a, f32([1, 2])], { broadcast: 1, axis: 1 }, { opset: 1 }), /cannot be broadcast to A/);
});

test('incompatible shapes and mixed element types are refused', async () => {
  await rejects(() => runTensor('Add', [f32([1, 2]), f32([1, 2, 3])]), /cannot be broadcast/);
  await rejects(() => runTensor('Mul', [f32([1]), i32([1])]), /different element types/);
});

test('int64 and uint64 arithmetic wraps without losing precision', async () => {
  const max = 2n ** 63n - 1n;
  assert.equal(plain(await runTensor('Add', [i64([max, 2n ** 53n]), i64([1n, 1n])])).data, [-(2n ** 63n), 2n ** 53n + 1n]);
  assert.equal(plain(await runTensor('Sub', [u64([0n]), u64([1n])])).data, [2n ** 64n - 1n]);
  assert.equal(plain(await runTensor('Mul', [i64([3n ** 39n]), i64([3n])])).data, [3n ** 40n - 2n ** 64n]);
});

test('32-bit integer multiplication keeps the exact low bits', async () => {
  // 123456789 * 987654321 = 121932631112635269; its low 32 bits as int32 are -67153019.
  assert.equal(plain(await runTensor('Mul', [i32([123456789, 65536]), i32([987654321, 65536])])).data, [-67153019, 0]);
});

test('integer Div truncates toward zero; division by zero is an error', async () => {
  assert.equal(plain(await runTensor('Div', [i32([-7, 7, 7]), i32([2, -2, 2])])).data, [-3, -3, 3]);
  assert.equal(plain(await runTensor('Div', [i64([-7n]), i64([2n])])).data, [-3n]);
  assert.equal(plain(await runTensor('Div', [f32([1, -1]), f32([0, 0])])).data, [Infinity, -Infinity]);
  await rejects(() => runTensor('Div', [i32([1]), i32([0])]), /integer division by zero/);
});

test('Mod: fmod=0 takes the divisor\'s sign, fmod=1 the dividend\'s', async () => {
  const a = i32([-7, 7, -7, 7]);
  const b = i32([2, 2, -2, -2]);
  assert.equal(plain(await runTensor('Mod', [a, b])).data, [1, 1, -1, -1]);
  assert.equal(plain(await runTensor('Mod', [a, b], { fmod: 1 })).data, [-1, 1, -1, 1]);
  assert.equal(plain(await runTensor('Mod', [i64([-7n]), i64([3n])])).data, [2n]);
  assert.equal(plain(await runTensor('Mod', [f32([-7.5, 7.5]), f32([2, -2])], { fmod: 1 })).data, [-1.5, 1.5]);
  await rejects(() => runTensor('Mod', [f32([1]), f32([2])]), /fmod must be 1 for floating-point/);
});

test('Pow with mixed base and exponent types', async () => {
  assert.equal(plain(await runTensor('Pow', [f32([2, 4]), i64([3n, -1n])])).data, [8, 0.25]);
  assert.equal(plain(await runTensor('Pow', [i32([2, 3]), f32([0.5, 2])])).data, [1, 9]);
  // 3^40 does not fit int64: it wraps like repeated multiplication would.
  assert.equal(plain(await runTensor('Pow', [i64([3n, 2n, -1n, 5n]), i64([40n, -1n, -3n, 0n])])).data, [3n ** 40n - 2n ** 64n, 0n, -1n, 1n]);
  assert.equal(plain(await runTensor('Pow', [f32([1, -1]), f32([NaN, Infinity])])).data, [1, 1]);
});

test('BitShift shifts by the type\'s width or more give 0', async () => {
  const left = { direction: 'LEFT' };
  assert.equal(plain(await runTensor('BitShift', [u8([1, 1, 255]), u8([7, 8, 1])], left)).data, [128, 0, 254]);
  assert.equal(plain(await runTensor('BitShift', [u32([1, 1]), u32([31, 32])], left)).data, [2 ** 31, 0]);
  assert.equal(plain(await runTensor('BitShift', [u32([2 ** 32 - 1]), u32([4])], { direction: 'RIGHT' })).data, [2 ** 28 - 1]);
  assert.equal(plain(await runTensor('BitShift', [u64([1n, 1n]), u64([63n, 64n])], left)).data, [2n ** 63n, 0n]);
  await rejects(() => runTensor('BitShift', [u8([1]), u8([1])], { direction: 'UP' }), /direction must be 'LEFT' or 'RIGHT'/);
});

test('bitwise ops on signed and unsigned integers', async () => {
  const int8 = (v: number[]): Tensor => new Tensor('int8', Int8Array.from(v), [v.length]);
  assert.equal(plain(await runTensor('BitwiseAnd', [int8([-1, 12]), int8([5, 10])])).data, [5, 8]);
  assert.equal(plain(await runTensor('BitwiseOr', [u64([2n ** 63n]), u64([1n])])).data, [2n ** 63n + 1n]);
  assert.equal(plain(await runTensor('BitwiseXor', [u32([0xffffffff]), u32([1])])).data, [0xfffffffe]);
});

test('comparisons give bool; NaN equals nothing', async () => {
  assert.equal(plain(await runTensor('Equal', [f32([NaN, 1]), f32([NaN, 1])])).data, [0, 1]);
  const big = 2n ** 62n;
  assert.equal(plain(await runTensor('Greater', [i64([big + 1n, big]), i64([big])])).data, [1, 0]);
  assert.equal(plain(await runTensor('LessOrEqual', [f32([1, 2, 3]), f32([2])])).data, [1, 1, 0]);
  assert.equal(plain(await runTensor('GreaterOrEqual', [u64([2n ** 64n - 1n]), u64([0n])])).data, [1]);
  const y = await runTensor('Equal', [str(['a', 'b', 'c', 'a'], [2, 2]), str(['a', 'c'], [2])]);
  assert.equal(plain(y), { dims: [2, 2], data: [1, 0, 0, 0] });
  assert.is(y.type, 'bool');
});

test('logical ops broadcast booleans', async () => {
  const a = bool([true, true, false, false], [2, 2]);
  const b = bool([true, false]);
  assert.equal(plain(await runTensor('And', [a, b])).data, [1, 0, 0, 0]);
  assert.equal(plain(await runTensor('Or', [a, b])).data, [1, 1, 1, 0]);
  assert.equal(plain(await runTensor('Xor', [a, b])).data, [0, 1, 1, 0]);
});

test('Where broadcasts its three inputs and works for any element type', async () => {
  const cond = bool([true, false], [2, 1]);
  const y = await runTensor('Where', [cond, str(['x0', 'x1', 'x2'], [1, 3]), str(['y'], [])]);
  assert.equal(plain(y), { dims: [2, 3], data: ['x0', 'x1', 'x2', 'y', 'y', 'y'] });
  const c64 = (v: number[]): Tensor => new Tensor('complex64', Float32Array.from(v), [v.length / 2]);
  const z = await runTensor('Where', [bool([false, true]), c64([1, 2, 3, 4]), c64([5, 6, 7, 8])]);
  assert.equal(plain(z).data, [5, 6, 3, 4]);
  await rejects(() => runTensor('Where', [i32([1]), f32([1]), f32([2])]), /condition must be bool/);
});

test('Clip: bounds as attributes before opset 11, as optional inputs after', async () => {
  assert.equal(plain(await runTensor('Clip', [f32([-5, 0, 5])], { min: -1, max: 1 }, { opset: 6 })).data, [-1, 0, 1]);
  assert.equal(plain(await runTensor('Clip', [f32([-5, NaN, 5]), f32([-1], [])])).data, [-1, NaN, 5]);
  assert.equal(plain(await runTensor('Clip', [f32([-5, 0, 5]), undefined, f32([2], [])])).data, [-5, 0, 2]);
  // min > max: every element becomes max.
  assert.equal(plain(await runTensor('Clip', [f32([-5, 0, 5]), f32([3], []), f32([1], [])])).data, [1, 1, 1]);
  const big = 2n ** 60n;
  assert.equal(plain(await runTensor('Clip', [i64([-big, 7n, big]), i64([-1n], []), i64([big - 1n], [])])).data, [-1n, 7n, big - 1n]);
  await rejects(() => runTensor('Clip', [f32([1]), f32([0, 1])]), /min must be a scalar/);
});

test('PRelu: the slope broadcasts to X only; opset 6 takes one slope per channel', async () => {
  assert.equal(plain(await runTensor('PRelu', [f32([-1, -2, 3, -4], [2, 2]), f32([0.5, 2])])).data, [-0.5, -4, 3, -8]);
  await rejects(() => runTensor('PRelu', [f32([-1]), f32([1, 2])]), /does not broadcast to X/);
  const x = f32([-1, -1, -1, -1, -1, -1], [1, 2, 3]);
  assert.equal(plain(await runTensor('PRelu', [x, f32([2, 3])], {}, { opset: 6 })).data, [-2, -2, -2, -3, -3, -3]);
});

test('Max/Min/Sum/Mean over many inputs; broadcasting from opset 8 only', async () => {
  const a = f32([1, 5, NaN]);
  const b = f32([3, 2, 0]);
  const c = f32([2], [1]);
  assert.equal(plain(await runTensor('Max', [a, b, c])).data, [3, 5, NaN]);
  assert.equal(plain(await runTensor('Min', [a, b, c])).data, [1, 2, NaN]);
  assert.equal(plain(await runTensor('Sum', [a, b, c])).data, [6, 9, NaN]);
  assert.equal(plain(await runTensor('Mean', [f32([1, 2]), f32([3, 6])])).data, [2, 4]);
  assert.equal(plain(await runTensor('Max', [f32([4])])).data, [4]);
  assert.equal(plain(await runTensor('Max', [i64([2n ** 62n, -3n]), i64([2n ** 62n + 1n, -4n])])).data, [2n ** 62n + 1n, -3n]);
  await rejects(() => runTensor('Sum', [a, c], {}, { opset: 6 }), /before opset 8 all inputs need the same shape/);
});

test.run();
