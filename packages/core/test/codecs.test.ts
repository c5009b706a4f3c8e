import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  bfloat16ToNumber, float16ToNumber, miniFloatToNumber, numberToBfloat16, numberToFloat16, numberToMiniFloat,
  packSubByte, unpackSubByte,
} from '../src/index.js';

// Bit patterns below are facts of IEEE 754 binary16, bfloat16 and the OCP float8 / float4 specifications.

test('float16 encodes normal, subnormal, overflow and special values', () => {
  assert.is(numberToFloat16(1), 0x3c00);
  assert.is(numberToFloat16(-2), 0xc000);
  assert.is(numberToFloat16(65504), 0x7bff);
  assert.is(numberToFloat16(65520), 0x7c00); // rounds past the largest finite value
  assert.is(numberToFloat16(2 ** -24), 0x0001);
  assert.is(numberToFloat16(Infinity), 0x7c00);
  assert.ok((numberToFloat16(NaN) & 0x7c00) === 0x7c00 && (numberToFloat16(NaN) & 0x3ff) !== 0);
  // 1 + 2^-11 lies halfway between 1 and the next float16: ties go to the even mantissa (1.0).
  assert.is(numberToFloat16(1 + 2 ** -11), 0x3c00);
  assert.is(numberToFloat16(1 + 3 * 2 ** -11), 0x3c02);
  // Just above the tie, a float64 value must round up: rounding through float32 first would land on the tie.
  assert.is(numberToFloat16(1 + 2 ** -11 + 2 ** -40), 0x3c01);
  assert.is(numberToFloat16(2 ** -25 + 2 ** -40), 0x0001);
  assert.is(numberToFloat16(2 ** -25), 0x0000);
});

test('float16 decodes what it encodes', () => {
  for (const v of [0, 1, -1, 0.5, 65504, 2 ** -24, 2 ** -14, 3.140625]) assert.is(float16ToNumber(numberToFloat16(v)), v);
  assert.ok(Number.isNaN(float16ToNumber(0x7e00)));
  assert.is(float16ToNumber(0xfc00), -Infinity);
});

test('bfloat16 keeps the top half of float32 with round-to-nearest-even', () => {
  assert.is(numberToBfloat16(1), 0x3f80);
  assert.is(bfloat16ToNumber(0x3f80), 1);
  assert.is(numberToBfloat16(-2), 0xc000);
  // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even keeps 1.
  assert.is(numberToBfloat16(1 + 2 ** -8), 0x3f80);
  assert.is(numberToBfloat16(1 + 2 ** -8 + 2 ** -40), 0x3f81);
  assert.ok(Number.isNaN(bfloat16ToNumber(numberToBfloat16(NaN))));
});

test('float8e4m3fn: max 448, NaN 0x7f, no infinity, saturation', () => {
  assert.is(numberToMiniFloat('float8e4m3fn', 448), 0x7e);
  assert.is(miniFloatToNumber('float8e4m3fn', 0x7e), 448);
  assert.ok(Number.isNaN(miniFloatToNumber('float8e4m3fn', 0x7f)));
  assert.is(numberToMiniFloat('float8e4m3fn', 1e6, true), 0x7e);
  assert.is(numberToMiniFloat('float8e4m3fn', -1e6, true), 0xfe);
  assert.is(numberToMiniFloat('float8e4m3fn', 1e6, false), 0x7f);
  assert.is(numberToMiniFloat('float8e4m3fn', Infinity, true), 0x7e);
  assert.is(miniFloatToNumber('float8e4m3fn', 0x01), 2 ** -9);
  assert.is(numberToMiniFloat('float8e4m3fn', 1), 0x38);
});

test('float8e4m3fnuz and e5m2fnuz: NaN is 0x80, no negative zero', () => {
  assert.is(miniFloatToNumber('float8e4m3fnuz', 0x7f), 240);
  assert.ok(Number.isNaN(miniFloatToNumber('float8e4m3fnuz', 0x80)));
  assert.is(numberToMiniFloat('float8e4m3fnuz', -0), 0);
  assert.is(numberToMiniFloat('float8e4m3fnuz', NaN), 0x80);
  assert.is(miniFloatToNumber('float8e5m2fnuz', 0x7f), 57344);
});

test('float8e5m2 has infinities like IEEE', () => {
  assert.is(miniFloatToNumber('float8e5m2', 0x7b), 57344);
  assert.is(miniFloatToNumber('float8e5m2', 0x7c), Infinity);
  assert.is(numberToMiniFloat('float8e5m2', 1e9, false), 0x7c);
  assert.is(numberToMiniFloat('float8e5m2', 1e9, true), 0x7b);
  assert.is(numberToMiniFloat('float8e5m2', 1), 0x3c);
});

test('float4e2m1 holds 0, 0.5, 1, 1.5, 2, 3, 4, 6 and saturates', () => {
  assert.equal([0, 1, 2, 3, 4, 5, 6, 7].map((c) => miniFloatToNumber('float4e2m1', c)), [0, 0.5, 1, 1.5, 2, 3, 4, 6]);
  assert.is(miniFloatToNumber('float4e2m1', 0xf), -6);
  assert.is(numberToMiniFloat('float4e2m1', 100), 7);
  assert.is(numberToMiniFloat('float4e2m1', 2.5), 4); // tie between 2 (code 4) and 3 (code 5): even code
});

test('float8e8m0 holds powers of two', () => {
  assert.is(miniFloatToNumber('float8e8m0', 127), 1);
  assert.is(miniFloatToNumber('float8e8m0', 130), 8);
  assert.is(numberToMiniFloat('float8e8m0', 8), 130);
  assert.ok(Number.isNaN(miniFloatToNumber('float8e8m0', 0xff)));
});

test('4-bit and 2-bit packing is low bits first, sign-extended for signed types', () => {
  const packed = packSubByte([1, -2, 7], 4);
  assert.equal([...packed], [0xe1, 0x07]);
  assert.equal(unpackSubByte(packed, 3, 4, true), [1, -2, 7]);
  assert.equal(unpackSubByte(packed, 3, 4, false), [1, 14, 7]);
  const two = packSubByte([1, 2, 3, 0, 1], 2);
  assert.equal([...two], [0b00111001, 0b01]);
  assert.equal(unpackSubByte(two, 5, 2, true), [1, -2, -1, 0, 1]);
});

test.run();
