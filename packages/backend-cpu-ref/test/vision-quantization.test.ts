/**
 * QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear and the integer/quantized products (MatMulInteger,
 * ConvInteger, QLinearConv, QLinearMatMul), with expected values worked out by hand from the operator formulas.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, dtypeCode, type DType } from '@onnx-ts/core';
import { toNumbers } from '../src/util/elementwise.js';
import { f32, i32, plain, rejects, runNode, runTensor } from './tensor-harness.js';

const typed = (type: DType, values: number[], dims: number[] = [values.length]): Tensor => new Tensor(type, values as never, dims);
const u8 = (values: number[], dims?: number[]) => typed('uint8', values, dims);
const i8 = (values: number[], dims?: number[]) => typed('int8', values, dims);
const scalar = (type: DType, value: number) => typed(type, [value], []);

function values(t: Tensor): number[] {
  return Array.from(toNumbers(t));
}

test('QuantizeLinear rounds half to even and saturates', async () => {
  const x = f32([0.5, 1.5, 2.5, -0.5, -1.5, 300, -300]);
  assert.equal(plain(await runTensor('QuantizeLinear', [x, scalar('float32', 1), scalar('uint8', 0)])).data, [0, 2, 2, 0, 0, 255, 0]);
  assert.equal(plain(await runTensor('QuantizeLinear', [x, scalar('float32', 1), scalar('int8', 0)])).data, [0, 2, 2, 0, -2, 127, -128]);
  // No zero point: uint8. Zero point shifts after rounding.
  const y = await runTensor('QuantizeLinear', [f32([1, 2.6]), scalar('float32', 0.5)], {}, { opset: 10 });
  assert.equal(plain(y), { dims: [2], data: [2, 5] });
  assert.equal(plain(await runTensor('QuantizeLinear', [f32([1, 2.6]), scalar('float32', 0.5), scalar('int8', -3)])).data, [-1, 2]);
});

test('QuantizeLinear per-axis and blocked scales', async () => {
  const x = f32([1, 2, 3, 4], [2, 2]);
  const perAxis = await runTensor('QuantizeLinear', [x, f32([1, 2]), u8([0, 10])], { axis: 0 }, { opset: 13 });
  assert.equal(plain(perAxis).data, [1, 2, 12, 12]);
  await rejects(() => runTensor('QuantizeLinear', [x, f32([1, 2])], {}, { opset: 10 }), /only a scalar scale/);
  await rejects(() => runTensor('QuantizeLinear', [x, f32([1, 2, 3])], { axis: 1 }), /per-axis scale must be 1-D of length 2/);
  // Blocks of 4 along axis 1: scales 1 for the first four, 10 for the last two (.5 -> 0, .6 -> 1).
  const row = f32([1, 2, 3, 4, 5, 6], [1, 6]);
  const blocked = await runTensor('QuantizeLinear', [row, f32([1, 10], [1, 2]), i8([0, 0], [1, 2])], { axis: 1, block_size: 4 }, { opset: 21 });
  assert.equal(plain(blocked).data, [1, 2, 3, 4, 0, 1]);
  await rejects(() => runTensor('QuantizeLinear', [row, f32([1, 10, 1], [1, 3])], { axis: 1, block_size: 4 }), /must have shape \[1, 2\]/);
  await rejects(() => runTensor('QuantizeLinear', [row, f32([1, 10], [1, 2])], { axis: 1, block_size: 4 }, { opset: 19 }), /only a scalar|per-axis/);
});

test('QuantizeLinear to 4-bit and 2-bit integers through output_dtype', async () => {
  const x = f32([7.6, -9, 3.5, -3]);
  const q4 = await runTensor('QuantizeLinear', [x, scalar('float32', 1)], { output_dtype: dtypeCode('int4') });
  assert.is(q4.type, 'int4');
  assert.equal(plain(q4).data, [7, -8, 4, -3]);
  const u4 = await runTensor('QuantizeLinear', [x, scalar('float32', 1)], { output_dtype: dtypeCode('uint4') });
  assert.equal(plain(u4).data, [8, 0, 4, 0]);
  assert.equal(plain(await runTensor('QuantizeLinear', [x, scalar('float32', 1)], { output_dtype: dtypeCode('int2') })).data, [1, -2, 1, -2]);
  assert.equal(plain(await runTensor('QuantizeLinear', [x, scalar('float32', 1)], { output_dtype: dtypeCode('uint2') })).data, [3, 0, 3, 0]);
  await rejects(() => runTensor('QuantizeLinear', [x, scalar('float32', 1)], { output_dtype: dtypeCode('int2') }, { opset: 24 }), /int2 is not supported at opset 24/);
  await rejects(() => runTensor('QuantizeLinear', [x, scalar('float32', 1), scalar('uint8', 0)], { output_dtype: dtypeCode('int8') }), /does not match/);
});

test('QuantizeLinear to float8 saturates or overflows, and to float4e2m1 rounds to even', async () => {
  const x = f32([1000, -1e6, 1.0625]);
  const zero8 = scalar('float8e4m3fn', 0);
  // 448 is float8e4m3fn's largest value; without saturation the overflow is NaN (it has no infinity). 1.0625 ties to 1.
  assert.equal(values(await runTensor('QuantizeLinear', [x, scalar('float32', 1), zero8])), [448, -448, 1]);
  const unsaturated = values(await runTensor('QuantizeLinear', [x, scalar('float32', 1), zero8], { saturate: 0 }));
  assert.ok(Number.isNaN(unsaturated[0]) && Number.isNaN(unsaturated[1]) && unsaturated[2] === 1);
  // float8e5m2 keeps infinities when not saturating, and saturates to 57344 otherwise.
  const big = f32([1e6, -1e6]);
  assert.equal(values(await runTensor('QuantizeLinear', [big, scalar('float32', 1), scalar('float8e5m2', 0)], { saturate: 0 })), [Infinity, -Infinity]);
  assert.equal(values(await runTensor('QuantizeLinear', [big, scalar('float32', 1), scalar('float8e5m2', 0)])), [57344, -57344]);
  // float4e2m1 codes 0..7 hold 0, .5, 1, 1.5, 2, 3, 4, 6: .25 ties to 0, 1.25 ties to 1, 7 saturates to 6.
  const f4 = await runTensor('QuantizeLinear', [f32([0.25, 1.25, 7]), scalar('float32', 1), scalar('float4e2m1', 0)]);
  assert.equal(plain(f4).data, [0, 2, 7]);
});

test('QuantizeLinear divides in the precision of the scale or of the precision attribute', async () => {
  // 2.5004 stays above 2.5 in float32 (-> 3) but rounds to 2.5 in float16 (spacing 2^-9), which ties to even 2.
  const x = f32([2.5004]);
  const f16Scale = new Tensor('float16', Uint16Array.of(0x3c00), []);
  assert.equal(plain(await runTensor('QuantizeLinear', [x, scalar('float32', 1), scalar('uint8', 0)])).data, [3]);
  assert.equal(plain(await runTensor('QuantizeLinear', [x, f16Scale, scalar('uint8', 0)])).data, [2]);
  const withPrecision = await runTensor('QuantizeLinear', [x, scalar('float32', 1), scalar('uint8', 0)], { precision: dtypeCode('float16') });
  assert.equal(plain(withPrecision).data, [2]);
});

test('DequantizeLinear per tensor, per axis, blocked, and with output_dtype', async () => {
  const y = await runTensor('DequantizeLinear', [i8([-128, 0, 127]), scalar('float32', 0.5), scalar('int8', -1)]);
  assert.equal(plain(y), { dims: [3], data: [-63.5, 0.5, 64] });
  const perAxis = await runTensor('DequantizeLinear', [u8([1, 2, 3, 4], [2, 2]), f32([1, 10]), u8([0, 1])], { axis: -1 });
  assert.equal(plain(perAxis).data, [1, 10, 3, 30]);
  const blocked = await runTensor('DequantizeLinear', [typed('int4', [1, -2, 3], [3, 1]), f32([2, 3], [2, 1])], { axis: 0, block_size: 2 });
  assert.equal(plain(blocked).data, [2, -4, 9]);
  const half = await runTensor('DequantizeLinear', [i32([1, 3]), scalar('float32', 0.25)], { output_dtype: dtypeCode('float16') }, { opset: 23 });
  assert.is(half.type, 'float16');
  assert.equal(values(half), [0.25, 0.75]);
  // A float8e8m0 scale (code 128 = 2) needs output_dtype for a full-precision result.
  const e8 = new Tensor('float8e8m0', Uint8Array.of(128), []);
  assert.equal(values(await runTensor('DequantizeLinear', [typed('uint2', [0, 3]), e8], { output_dtype: dtypeCode('float32') })), [0, 6]);
  await rejects(() => runTensor('DequantizeLinear', [typed('uint2', [0, 3]), e8]), /output type float8e8m0 is not supported/);
  const f8 = await runTensor('DequantizeLinear', [typed('float8e4m3fn', [0x38, 0x7e]), scalar('float32', 2)]);
  assert.equal(values(f8), [2, 896]);
  await rejects(() => runTensor('DequantizeLinear', [i8([1]), scalar('float32', 1), scalar('uint8', 0)]), /must equal x type/);
});

test('DynamicQuantizeLinear computes scale and zero point from the range including 0', async () => {
  // Range [-1, 2]: scale 3/255, zero point 85; 1 -> 85 + 85.
  const [y, scale, zeroPoint] = await runNode('DynamicQuantizeLinear', [f32([0, 2, -1, 1])], {}, { outputs: 3 });
  assert.equal(plain(y).data, [85, 255, 0, 170]);
  assert.ok(Math.abs(values(scale as Tensor)[0] - 3 / 255) < 1e-9);
  assert.equal(plain(zeroPoint).data, [85]);
  const [zeros, zeroScale] = await runNode('DynamicQuantizeLinear', [f32([0, 0])], {}, { outputs: 3 });
  assert.equal(plain(zeros).data, [0, 0]);
  assert.equal(values(zeroScale as Tensor), [0]);
});

test('MatMulInteger with per-tensor, per-row and per-column zero points', async () => {
  const a = u8([11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0], [4, 3]);
  const b = u8([1, 4, 2, 5, 3, 6], [3, 2]);
  const y = await runTensor('MatMulInteger', [a, b, scalar('uint8', 12)]);
  assert.equal(plain(y), { dims: [4, 2], data: [-38, -83, -44, -98, -50, -113, -56, -128] });
  // Row 1 with zero point 10 is (0, -4, -8); column zero points 1 and 4 make B rows (0, 0), (1, 1), (2, 2).
  const perRow = await runTensor('MatMulInteger', [a, b, u8([12, 10, 9, 8])]);
  assert.equal(plain(perRow).data.slice(2, 4), [-32, -68]);
  const perCol = await runTensor('MatMulInteger', [a, b, undefined, u8([1, 4])]);
  assert.equal(plain(perCol).data.slice(0, 2), [13, 13]);
  // Batched broadcast and 1-D B.
  assert.equal(plain(await runTensor('MatMulInteger', [i8([1, 2, 3, 4], [2, 1, 2]), i8([1, 1])])), { dims: [2, 1], data: [3, 7] });
  await rejects(() => runTensor('MatMulInteger', [a, b, u8([1, 2])]), /does not fit/);
});

test('MatMulInteger accumulates with 32-bit wrap-around', async () => {
  const K = 140000;
  const y = await runTensor('MatMulInteger', [typed('int8', new Array(K).fill(127), [1, K]), typed('int8', new Array(K).fill(127), [K, 1])]);
  // 127 * 127 * 140000 = 2258060000, which wraps to 2258060000 - 2^32.
  assert.equal(plain(y).data, [2258060000 - 2 ** 32]);
});

test('ConvInteger with zero points, padding and groups', async () => {
  const x = u8([2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 1, 3, 3]);
  const w = u8([1, 1, 1, 1], [1, 1, 2, 2]);
  // x - 1 is 1..9; each 2x2 window sums four of them.
  assert.equal(plain(await runTensor('ConvInteger', [x, w, scalar('uint8', 1)])), { dims: [1, 1, 2, 2], data: [12, 16, 24, 28] });
  // Padding holds the zero point, so padded taps add nothing: the corner window sees only (x - 1)[0][0] = 1.
  const padded = await runTensor('ConvInteger', [x, w, scalar('uint8', 1)], { pads: [1, 1, 1, 1] });
  assert.equal([...padded.dims], [1, 1, 4, 4]);
  assert.equal(plain(padded).data.slice(0, 4), [1, 3, 5, 3]);
  // Two groups of one channel, per-output-channel w zero point.
  const x2 = u8([1, 2, 3, 4], [1, 2, 2, 1]);
  const w2 = i8([2, 3], [2, 1, 1, 1]);
  assert.equal(plain(await runTensor('ConvInteger', [x2, w2, undefined, i8([1, 1])], { group: 2 })).data, [1, 2, 6, 8]);
  await rejects(() => runTensor('ConvInteger', [x, w, u8([1, 1])]), /x_zero_point must be a scalar/);
  await rejects(() => runTensor('ConvInteger', [x, u8([1, 1], [1, 2, 1, 1])]), /w has 2 channels per group but x has 1/);
});

test('QLinearConv requantizes per output channel with bias', async () => {
  const x = u8([10, 20], [1, 1, 1, 2]);
  const w = i8([1, -1], [2, 1, 1, 1]);
  const inputs = [x, scalar('float32', 0.5), scalar('uint8', 10), w, f32([1, 2]), i8([0, 0]), scalar('float32', 1), scalar('uint8', 100), i32([1, 2])];
  // Channel 0: (0 + 1) * .5 = .5 -> 0 (ties to even), (10 + 1) * .5 = 5.5 -> 6; channel 1: (0 + 2) * 1, (-10 + 2) * 1.
  assert.equal(plain(await runTensor('QLinearConv', inputs)), { dims: [1, 2, 1, 2], data: [100, 106, 102, 92] });
  const saturated = [...inputs.slice(0, 6), scalar('float32', 0.01), scalar('uint8', 100)];
  assert.equal(plain(await runTensor('QLinearConv', saturated)).data, [100, 255, 100, 0]);
  await rejects(() => runTensor('QLinearConv', [...inputs.slice(0, 4), f32([1, 2, 3]), ...inputs.slice(5)]), /w_scale must be a scalar or have 2 values/);
});

test('QLinearMatMul with per-row a parameters and saturation', async () => {
  const a = u8([10, 20, 12, 14], [2, 2]);
  const b = u8([4, 6], [2, 1]);
  // Row 0: (0, 10)·(2, 4) = 40, times .5 * 2 / 4 -> 10, plus 1. Row 1: (0, 2)·(2, 4) = 8, times 1 * 2 / 4 -> 4, plus 1.
  const y = await runTensor('QLinearMatMul', [a, f32([0.5, 1]), u8([10, 12]), b, scalar('float32', 2), scalar('uint8', 2), scalar('float32', 4), scalar('uint8', 1)]);
  assert.equal(plain(y), { dims: [2, 1], data: [11, 5] });
  const toInt8 = await runTensor('QLinearMatMul', [a, f32([0.5, 1]), u8([10, 12]), b, scalar('float32', 2), scalar('uint8', 2), scalar('float32', 0.2), scalar('int8', 0)]);
  // Row 0: 40 * .5 * 2 / .2 = 200 saturates; row 1: 8 * 2 / .2 = 80.
  assert.equal(plain(toInt8).data, [127, 80]);
  // Opset 21 float8 operands: (1, 2)·(3, 4) = 11, which float8e4m3fn holds exactly.
  const e4 = (v: number[], dims?: number[]) => typed('float8e4m3fn', v, dims);
  const one = scalar('float32', 1);
  const f8 = await runTensor('QLinearMatMul', [e4([0x38, 0x40], [1, 2]), one, e4([0]), e4([0x44, 0x48], [2, 1]), one, e4([0]), one, e4([0])], {}, { opset: 21 });
  assert.equal(values(f8), [11]);
  await rejects(() => runTensor('QLinearMatMul', [a, f32([0.5, 1]), u8([10, 12]), b, scalar('float32', 2), scalar('int8', 2), scalar('float32', 4), scalar('uint8', 1)]), /zero points must have the type/);
});

test.run();
