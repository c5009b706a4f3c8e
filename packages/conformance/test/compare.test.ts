import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { DEFAULT_TOLERANCE, compareValues } from '../src/index.js';

const f32 = (v: number[], dims = [v.length]) => new Tensor('float32', Float32Array.from(v), dims);

test('values within atol + rtol·|expected| match; beyond do not', () => {
  assert.is(compareValues(f32([1.0009]), f32([1]), DEFAULT_TOLERANCE, 'o'), undefined);
  assert.match(compareValues(f32([1.002]), f32([1]), DEFAULT_TOLERANCE, 'o') ?? '', /1 of 1 elements differ/);
});

test('NaN equals NaN, but not a number', () => {
  assert.is(compareValues(f32([NaN, 1]), f32([NaN, 1]), DEFAULT_TOLERANCE, 'o'), undefined);
  assert.ok(compareValues(f32([0]), f32([NaN]), DEFAULT_TOLERANCE, 'o'));
});

test('dtype and shape must match exactly', () => {
  assert.match(compareValues(f32([1, 2], [2, 1]), f32([1, 2], [2]), DEFAULT_TOLERANCE, 'o') ?? '', /shape/);
  assert.match(compareValues(new Tensor('float64', new Float64Array([1]), [1]), f32([1]), DEFAULT_TOLERANCE, 'o') ?? '', /dtype/);
});

test('sequences, maps and optionals compare element by element', () => {
  assert.is(compareValues([f32([1]), f32([2])], [f32([1]), f32([2])], DEFAULT_TOLERANCE, 'o'), undefined);
  assert.ok(compareValues([f32([1])], [f32([1]), f32([2])], DEFAULT_TOLERANCE, 'o'));
  assert.is(compareValues(null, null, DEFAULT_TOLERANCE, 'o'), undefined);
  assert.ok(compareValues(f32([1]), null, DEFAULT_TOLERANCE, 'o'));
  assert.is(compareValues(new Map([['a', 0.5]]), new Map([['a', 0.5]]), DEFAULT_TOLERANCE, 'o'), undefined);
  assert.ok(compareValues(new Map([['a', 0.6]]), new Map([['a', 0.5]]), DEFAULT_TOLERANCE, 'o'));
});

test('int64 compares exactly', () => {
  const a = new Tensor('int64', new BigInt64Array([9007199254740993n]), [1]);
  const b = new Tensor('int64', new BigInt64Array([9007199254740992n]), [1]);
  assert.ok(compareValues(a, b, DEFAULT_TOLERANCE, 'o'));
});

test.run();
