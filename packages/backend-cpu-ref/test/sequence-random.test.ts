// The random ops: seeded runs repeat and values follow the distribution. Values differ from numpy's generator, so
// only ranges, moments and degenerate probabilities are checked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { f32, i32, plain, rejects, runTensor } from './tensor-harness.js';

const values = (t: Tensor) => Array.from(t.data as ArrayLike<number>);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('RandomUniform: the shape and type asked for, values in [low, high), the same values for the same seed', async () => {
  const attrs = { shape: [3, 4], low: 2, high: 5, seed: 3.5 };
  const first = await runTensor('RandomUniform', [], attrs);
  assert.equal([first.type, first.dims], ['float32', [3, 4]]);
  assert.ok(values(first).every((v) => v >= 2 && v < 5));
  assert.equal(values(await runTensor('RandomUniform', [], attrs)), values(first));
  assert.not.equal(values(await runTensor('RandomUniform', [], { ...attrs, seed: 4.5 })), values(first));
  const many = values(await runTensor('RandomUniform', [], { shape: [20000], dtype: 11, seed: 1 }));
  assert.ok(Math.abs(mean(many) - 0.5) < 0.01, `mean ${mean(many)}`);
  await rejects(() => runTensor('RandomUniform', [], { shape: [2], dtype: 6 }), /'dtype' asks for int32/);
});

test('RandomNormal: mean and standard deviation of a large seeded sample', async () => {
  const sample = values(await runTensor('RandomNormal', [], { shape: [20000], mean: 10, scale: 2, seed: 7, dtype: 11 }));
  const m = mean(sample);
  const sd = Math.sqrt(mean(sample.map((v) => (v - m) ** 2)));
  assert.ok(Math.abs(m - 10) < 0.05 && Math.abs(sd - 2) < 0.05, `mean ${m}, sd ${sd}`);
});

test('the Like ops copy the input shape and float type; a non-float input needs dtype', async () => {
  const half = new Tensor('float16', new Uint16Array(6), [2, 3]);
  const normal = await runTensor('RandomNormalLike', [half], { seed: 1 });
  assert.equal([normal.type, normal.dims], ['float16', [2, 3]]);
  const uniform = await runTensor('RandomUniformLike', [i32([1, 2, 3])], { dtype: 11 });
  assert.equal([uniform.type, uniform.dims], ['float64', [3]]);
  await rejects(() => runTensor('RandomUniformLike', [i32([1])]), /input is int32, not a float type; give the 'dtype' attribute/);
});

test('Bernoulli: probabilities 0 and 1 are certain, the output type follows dtype, p must be in [0, 1]', async () => {
  const p = f32([0, 1, 0, 1]);
  assert.equal(plain(await runTensor('Bernoulli', [p])), { dims: [4], data: [0, 1, 0, 1] });
  const flags = await runTensor('Bernoulli', [p], { dtype: 9 });
  assert.equal([flags.type, values(flags)], ['bool', [0, 1, 0, 1]]);
  const half = f32(new Array(4000).fill(0.25));
  assert.ok(Math.abs(mean(values(await runTensor('Bernoulli', [half], { seed: 2 }))) - 0.25) < 0.03);
  await rejects(() => runTensor('Bernoulli', [f32([0.5, 1.5])]), /probability 1.5 at element 1 is outside \[0, 1\]/);
});

test('Multinomial draws class indices with probabilities softmax(row)', async () => {
  const certain = await runTensor('Multinomial', [f32([0, -Infinity, -Infinity, 0], [2, 2])], { sample_size: 3 });
  assert.equal(plain(certain), { dims: [2, 3], data: [0, 0, 0, 1, 1, 1] });
  assert.equal(certain.type, 'int32');
  const draws = await runTensor('Multinomial', [f32([0, Math.log(3)], [1, 2])], { sample_size: 4000, dtype: 7, seed: 5 });
  const ones = Array.from(draws.data as BigInt64Array).filter((c) => c === 1n).length;
  assert.ok(Math.abs(ones / 4000 - 0.75) < 0.03, `${ones} of 4000`);
  await rejects(() => runTensor('Multinomial', [f32([1, 2, 3])]), /input must be \[batch, classes\]/);
});

test.run();
