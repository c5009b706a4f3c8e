// Unary math and activations of the elementwise family, run through a session at a chosen opset. Expected values are
// worked out by hand from the ONNX definitions (or are textbook constants such as erf(0.5)).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, float16ToNumber, numberToFloat16 } from '@onnx-ts/core';
import { bool, f32, i32, i64, plain, runTensor } from './tensor-harness.js';

/** Elementwise |got - want| <= 1e-6 * max(1, |want|), NaN matching NaN. */
function close(got: Tensor, want: number[], dims: number[] = [want.length]): void {
  assert.equal([...got.dims], dims, 'dims');
  const values = Array.from(got.data as ArrayLike<number>, (v) => (got.type === 'float16' ? float16ToNumber(v) : v));
  want.forEach((w, i) => {
    const g = values[i];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : Math.abs(g - w) <= 1e-6 * Math.max(1, Math.abs(w));
    assert.ok(ok, `element ${i}: got ${g}, want ${w}`);
  });
}

/** Checks that `run` fails with a message matching `pattern`. */
const rejects = (run: () => Promise<unknown>, pattern: RegExp): Promise<void> =>
  run().then(() => assert.unreachable(`expected an error matching ${pattern}`), (e: Error) => assert.match(e.message, pattern));

const f16 = (values: number[]): Tensor => new Tensor('float16', Uint16Array.from(values, numberToFloat16), [values.length]);

test('Erf matches known values, saturates to ±1 and passes NaN', async () => {
  const y = await runTensor('Erf', [f32([0, 0.5, -3, 1.5, 10, -10, NaN])]);
  close(y, [0, 0.5204998778130465, -0.9999779095030014, 0.9661051464753108, 1, -1, NaN]);
});

test('Erf of integers truncates the real result back to the integer type', async () => {
  assert.equal(plain(await runTensor('Erf', [i32([0, 1, 7, -7])])).data, [0, 0, 1, -1]);
  assert.equal(plain(await runTensor('Erf', [i64([0, 2, 9, -9])])).data, [0n, 0n, 1n, -1n]);
});

test('Sigmoid and Softplus stay finite at extreme inputs', async () => {
  close(await runTensor('Sigmoid', [f32([0, -1000, 1000])]), [0.5, 0, 1]);
  close(await runTensor('Softplus', [f32([0, 1000, -1000])]), [Math.LN2, 1000, 0]);
});

test('Round rounds halves to even', async () => {
  close(await runTensor('Round', [f32([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6])], {}, { opset: 22 }), [0, 2, 2, -0, -2, 2, -3]);
});

test('Abs and Neg of the most negative integer wrap, as two\'s complement does', async () => {
  const int8 = new Tensor('int8', Int8Array.from([-128, -5, 7]), [3]);
  assert.equal(plain(await runTensor('Abs', [int8])).data, [-128, 5, 7]);
  assert.equal(plain(await runTensor('Neg', [i64([-(2n ** 63n), 5n])])).data, [-(2n ** 63n), -5n]);
  assert.equal(plain(await runTensor('Sign', [i64([-(2n ** 63n), 0n, 9n])])).data, [-1n, 0n, 1n]);
});

test('Relu accepts integers from opset 14', async () => {
  assert.equal(plain(await runTensor('Relu', [i32([-3, 0, 4])], {}, { opset: 14 })).data, [0, 0, 4]);
});

test('Selu and Elu use their defaults; Celu uses alpha', async () => {
  close(await runTensor('Selu', [f32([1, -1, 0])]), [1.0507010221481323, -1.1113307412864784, 0]);
  close(await runTensor('Elu', [f32([2, -1])], { alpha: 0.5 }), [2, 0.5 * (Math.exp(-1) - 1)]);
  // Celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
  close(await runTensor('Celu', [f32([-1, 3])], { alpha: 2 }), [2 * (Math.exp(-0.5) - 1), 3]);
});

test('Gelu exact and tanh approximations', async () => {
  const x = f32([1, -2, 0]);
  close(await runTensor('Gelu', [x]), [0.8413447460685429, -0.04550026389635842, 0]);
  close(await runTensor('Gelu', [x], { approximate: 'tanh' }), [0.8411919906082768, -2 * 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (-2 - 0.044715 * 8))), 0]);
  await rejects(() => runTensor('Gelu', [x], { approximate: 'fast' }), /approximate must be 'none' or 'tanh'/);
});

test('HardSigmoid, HardSwish, LeakyRelu, ThresholdedRelu, Softsign, Swish', async () => {
  close(await runTensor('HardSigmoid', [f32([-10, 0, 1, 10])], { alpha: 0.5, beta: 0.25 }), [0, 0.25, 0.75, 1]);
  close(await runTensor('HardSwish', [f32([-4, 1, 3, 5])]), [0, 1 * (1 / 6 + 0.5), 3, 5]);
  close(await runTensor('LeakyRelu', [f32([-2, 3])]), [-0.02, 3]);
  close(await runTensor('ThresholdedRelu', [f32([1, 1.5, -2])], { alpha: 1 }), [0, 1.5, 0]);
  close(await runTensor('Softsign', [f32([1, -3])]), [0.5, -0.75]);
  close(await runTensor('Swish', [f32([0, 2])], { alpha: 0.5 }, { opset: 24 }), [0, 2 / (1 + Math.exp(-1))]);
  close(await runTensor('Mish', [f32([0, 1])], {}, { opset: 18 }), [0, Math.tanh(Math.log(1 + Math.E))]);
});

test('Shrink on floats and integers', async () => {
  close(await runTensor('Shrink', [f32([-2, -1, 0, 1, 2])], { lambd: 1.5 }), [-2, 0, 0, 0, 2]);
  close(await runTensor('Shrink', [f32([-2, -1, 0, 1, 2])], { lambd: 1.5, bias: 1.5 }), [-0.5, 0, 0, 0, 0.5]);
  assert.equal(plain(await runTensor('Shrink', [i64([-5, 1, 5])], { lambd: 2, bias: 1 })).data, [-4n, 0n, 4n]);
});

test('IsNaN and IsInf, with one direction switched off', async () => {
  const x = f32([NaN, Infinity, -Infinity, 1]);
  assert.equal(plain(await runTensor('IsNaN', [x])).data, [1, 0, 0, 0]);
  assert.equal(plain(await runTensor('IsInf', [x])).data, [0, 1, 1, 0]);
  assert.equal(plain(await runTensor('IsInf', [x], { detect_negative: 0 })).data, [0, 1, 0, 0]);
  const half = f16([NaN, Infinity, 2]);
  assert.equal(plain(await runTensor('IsNaN', [half])).data, [1, 0, 0]);
});

test('float16 results are rounded to float16', async () => {
  const y = await runTensor('Sqrt', [f16([4, 2])]);
  assert.is(y.type, 'float16');
  close(y, [2, 1.4140625]);
});

test('Not and BitwiseNot', async () => {
  assert.equal(plain(await runTensor('Not', [bool([true, false])])).data, [0, 1]);
  const u64 = new Tensor('uint64', BigUint64Array.from([0n, 5n]), [2]);
  assert.equal(plain(await runTensor('BitwiseNot', [u64])).data, [2n ** 64n - 1n, 2n ** 64n - 6n]);
  const u8 = new Tensor('uint8', Uint8Array.from([0, 0xf0]), [2]);
  assert.equal(plain(await runTensor('BitwiseNot', [u8])).data, [255, 0x0f]);
});

test('empty tensors keep their shape', async () => {
  const y = await runTensor('Exp', [new Tensor('float32', new Float32Array(0), [0, 3])]);
  assert.equal(plain(y), { dims: [0, 3], data: [] });
});

test('a type the op does not allow is refused', async () => {
  await rejects(() => runTensor('Sin', [i32([1])]), /int32/);
});

test.run();
