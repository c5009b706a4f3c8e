import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { compareWithReference, randomTensor } from './helpers.js';

const withSpecials = (dims: number[], seed: number): Tensor<'float32'> => {
  const t = randomTensor(dims, seed);
  t.data[0] = NaN;
  t.data[1] = -0;
  t.data[2] = Infinity;
  t.data[3] = -Infinity;
  return t;
};

test('Relu and Clip match the reference, NaN and infinities included, odd length', async () => {
  await compareWithReference({ op: 'Relu', inputs: { x: withSpecials([3, 7, 5], 1) }, order: ['x'] });
  await compareWithReference({ op: 'Clip', inputs: { x: withSpecials([2, 9], 2) }, constants: { lo: new Tensor('float32', [-0.25], []), hi: new Tensor('float32', [0.5], []) }, order: ['x', 'lo', 'hi'] });
  await compareWithReference({ op: 'Clip', inputs: { x: withSpecials([11], 3) }, constants: { hi: new Tensor('float32', [0.1], []) }, order: ['x', '', 'hi'] });
  await compareWithReference({ op: 'Clip', inputs: { x: withSpecials([13], 4) }, attrs: { min: -0.5, max: 0.75 }, order: ['x'], opset: 6 });
});

test('Clip with min above max gives max everywhere, as the reference does', async () => {
  const [y] = await compareWithReference({ op: 'Clip', inputs: { x: randomTensor([6], 5) }, constants: { lo: new Tensor('float32', [1], []), hi: new Tensor('float32', [0], []) }, order: ['x', 'lo', 'hi'] });
  assert.equal([...(y as Tensor).data as Float32Array], [0, 0, 0, 0, 0, 0]);
});

for (const op of ['Add', 'Sub', 'Mul', 'Div']) {
  test(`${op} matches the reference: equal shapes, scalar either side, per-channel either side`, async () => {
    await compareWithReference({ op, inputs: { a: randomTensor([2, 3, 5, 7], 1), b: randomTensor([2, 3, 5, 7], 2) }, order: ['a', 'b'] });
    await compareWithReference({ op, inputs: { a: randomTensor([2, 3, 5, 7], 3) }, constants: { b: randomTensor([], 4) }, order: ['a', 'b'] });
    await compareWithReference({ op, inputs: { b: randomTensor([3, 9], 5) }, constants: { a: randomTensor([1, 1], 6) }, order: ['a', 'b'] });
    await compareWithReference({ op, inputs: { a: randomTensor([2, 4, 3, 5], 7) }, constants: { b: randomTensor([4, 1, 1], 8) }, order: ['a', 'b'] });
    await compareWithReference({ op, inputs: { b: randomTensor([1, 6, 3, 3], 9) }, constants: { a: randomTensor([1, 6, 1, 1], 10) }, order: ['a', 'b'] });
  });
}

test('Add with a broadcast this backend does not cover runs on the reference', async () => {
  await compareWithReference({ op: 'Add', inputs: { a: randomTensor([3, 1, 5], 1), b: randomTensor([1, 4, 5], 2) }, order: ['a', 'b'] }, { accelerated: false });
});

test('large tensors split over 2 threads match the reference', async () => {
  const opts = { threads: 2 };
  await compareWithReference({ op: 'Relu', inputs: { x: withSpecials([1, 64, 41, 43], 1) }, order: ['x'] }, opts);
  await compareWithReference({ op: 'Mul', inputs: { a: randomTensor([2, 33, 40, 41], 2) }, constants: { b: randomTensor([33, 1, 1], 3) }, order: ['a', 'b'] }, opts);
  await compareWithReference({ op: 'Sub', inputs: { b: randomTensor([1, 7, 130, 90], 4) }, constants: { a: randomTensor([1, 7, 1, 1], 5) }, order: ['a', 'b'] }, opts);
  await compareWithReference({ op: 'Add', inputs: { a: randomTensor([100003], 6), b: randomTensor([100003], 7) }, order: ['a', 'b'] }, opts);
  await compareWithReference({ op: 'Div', inputs: { a: randomTensor([70001], 8) }, constants: { b: randomTensor([1], 9) }, order: ['a', 'b'] }, opts);
});

test('Sum of three equal shapes matches the reference', async () => {
  await compareWithReference({ op: 'Sum', inputs: { a: randomTensor([3, 5, 7], 1), b: randomTensor([3, 5, 7], 2), c: randomTensor([3, 5, 7], 3) }, order: ['a', 'b', 'c'] });
});

test('float64 inputs run on the reference backend', async () => {
  const a = new Tensor('float64', Float64Array.from([1, -2, 3]), [3]);
  const [y] = await compareWithReference({ op: 'Relu', inputs: { x: a }, order: ['x'] }, { accelerated: false });
  assert.equal([...(y as Tensor).data as Float64Array], [1, 0, 3]);
});

test.run();
