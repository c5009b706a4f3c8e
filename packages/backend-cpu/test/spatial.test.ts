import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, InferenceSession, Tensor, buildModel } from '@onnx-ts/core';
import { compareWithReference, randomTensor } from './helpers.js';

const pools: [string, number[], Record<string, number | number[]>][] = [
  ['3×3 stride 1 pads 1', [1, 3, 11, 13], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }],
  ['3×3 stride 2', [2, 2, 15, 17], { kernel_shape: [3, 3], strides: [2, 2] }],
  ['3×3 stride 2 asymmetric pads, ceil_mode', [1, 4, 14, 13], { kernel_shape: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1], ceil_mode: 1 }],
  ['2×2 stride 2 on odd sizes', [1, 3, 9, 11], { kernel_shape: [2, 2], strides: [2, 2] }],
  ['stride 3, dilation 2', [1, 2, 17, 16], { kernel_shape: [2, 3], strides: [3, 3], dilations: [2, 2], pads: [1, 2, 1, 2] }],
  ['1-D', [2, 3, 20], { kernel_shape: [4], strides: [2], pads: [1, 2] }],
];

for (const op of ['MaxPool', 'AveragePool']) {
  pools.forEach(([name, dims, attrs], i) => {
    test(`${op} matches the reference: ${name}`, async () => {
      const x = randomTensor(dims, 40 + i);
      x.data[5] = NaN;
      await compareWithReference({ op, inputs: { x }, order: ['x'], attrs, opset: 19 });
      if (op === 'AveragePool') await compareWithReference({ op, inputs: { x }, order: ['x'], attrs: { ...attrs, count_include_pad: 1 }, opset: 19 });
    });
  });
}

test('MaxPool with the Indices output runs on the reference', async () => {
  await compareWithReference({ op: 'MaxPool', inputs: { x: randomTensor([1, 2, 6, 6], 1) }, order: ['x'], attrs: { kernel_shape: [2, 2] }, outputs: 2 }, { accelerated: false });
});

test('GlobalAveragePool and GlobalMaxPool match the reference', async () => {
  await compareWithReference({ op: 'GlobalAveragePool', inputs: { x: randomTensor([2, 5, 7, 3], 1) }, order: ['x'] });
  await compareWithReference({ op: 'GlobalMaxPool', inputs: { x: randomTensor([1, 4, 6, 9], 2) }, order: ['x'] });
});

test('pooling on 2 threads matches the reference', async () => {
  await compareWithReference({ op: 'MaxPool', inputs: { x: randomTensor([1, 64, 30, 30], 3) }, order: ['x'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } }, { threads: 2 });
});

test('BatchNormalization (inference) matches the reference', async () => {
  const c = 6;
  const variance = randomTensor([c], 4);
  variance.data.forEach((v, i) => (variance.data[i] = Math.abs(v) + 0.1));
  await compareWithReference({
    op: 'BatchNormalization', inputs: { x: randomTensor([2, c, 5, 3], 1) },
    constants: { s: randomTensor([c], 2), b: randomTensor([c], 3), m: randomTensor([c], 5), v: variance },
    order: ['x', 's', 'b', 'm', 'v'], attrs: { epsilon: 1e-3 },
  });
});

test('BatchNormalization over 2 threads matches the reference', async () => {
  const c = 37;
  const variance = randomTensor([c], 14);
  variance.data.forEach((v, i) => (variance.data[i] = Math.abs(v) + 0.1));
  await compareWithReference({
    op: 'BatchNormalization', inputs: { x: randomTensor([1, c, 61, 47], 11) },
    constants: { s: randomTensor([c], 12), b: randomTensor([c], 13), m: randomTensor([c], 15), v: variance },
    order: ['x', 's', 'b', 'm', 'v'],
  }, { threads: 2 });
});

test('LRN matches the reference (beta 0.75 and another beta)', async () => {
  await compareWithReference({ op: 'LRN', inputs: { x: randomTensor([1, 7, 5, 3], 1) }, order: ['x'], attrs: { size: 5, alpha: 0.01, beta: 0.75, bias: 1 } });
  await compareWithReference({ op: 'LRN', inputs: { x: randomTensor([2, 4, 3, 3], 2) }, order: ['x'], attrs: { size: 2, alpha: 0.02, beta: 0.6, bias: 2 } });
});

test('Softmax and LogSoftmax match the reference (opset 11 flattening, opset 13 last axis)', async () => {
  for (const op of ['Softmax', 'LogSoftmax']) {
    await compareWithReference({ op, inputs: { x: randomTensor([3, 4, 5], 1) }, order: ['x'], attrs: { axis: 1 }, opset: 11 });
    await compareWithReference({ op, inputs: { x: randomTensor([3, 4, 5], 2) }, order: ['x'], opset: 13 });
    await compareWithReference({ op, inputs: { x: randomTensor([3, 4, 5], 3) }, order: ['x'], attrs: { axis: 1 }, opset: 13 }, { accelerated: false });
  }
});

test('Concat and Transpose match the reference', async () => {
  await compareWithReference({ op: 'Concat', inputs: { a: randomTensor([2, 3, 4], 1), b: randomTensor([2, 5, 4], 2) }, order: ['a', 'b'], attrs: { axis: 1 } });
  await compareWithReference({ op: 'Concat', inputs: { a: randomTensor([2, 3], 3), b: randomTensor([2, 1], 4) }, order: ['a', 'b'], attrs: { axis: -1 } });
  await compareWithReference({ op: 'Transpose', inputs: { x: randomTensor([1, 4, 3, 5, 6], 5) }, order: ['x'], attrs: { perm: [0, 2, 1, 3, 4] } });
  await compareWithReference({ op: 'Transpose', inputs: { x: randomTensor([3, 4, 5], 6) }, order: ['x'] });
  await compareWithReference({ op: 'Transpose', inputs: { x: randomTensor([2, 3, 4, 5], 7) }, order: ['x'], attrs: { perm: [3, 1, 0, 2] } });
});

test('ConstantOfShape of a shape initializer hands back the same tensor; of a fed shape, a new one', async () => {
  const g = new GraphBuilder();
  g.input('shape', 'int64', [2]);
  g.initializer('fixed', new Tensor('int64', BigInt64Array.from([2n, 3n]), [2]));
  const value = new Tensor('float32', [1.5], [1]);
  g.output(g.op('ConstantOfShape', ['fixed'], { value }));
  g.output(g.op('ConstantOfShape', ['shape'], { value }));
  const s = await InferenceSession.create(buildModel(g.build()), { executionProviders: ['cpu'] });
  const shape = new Tensor('int64', BigInt64Array.from([2n, 3n]), [2]);
  const [first, fedFirst] = Object.values(await s.run({ shape })) as Tensor[];
  (shape.data as BigInt64Array).set([3n, 1n]);
  const [again, fedAgain] = Object.values(await s.run({ shape })) as Tensor[];
  assert.is(again, first);
  assert.equal([...first.data as Float32Array], [1.5, 1.5, 1.5, 1.5, 1.5, 1.5]);
  assert.equal([...fedFirst.dims], [2, 3]);
  assert.equal([...fedAgain.dims], [3, 1], 'a fed shape changed in place is read again');
  assert.equal([...fedAgain.data as Float32Array], [1.5, 1.5, 1.5]);
  await s.release();
});

test.run();
