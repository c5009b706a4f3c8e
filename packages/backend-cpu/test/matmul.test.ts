import { test } from 'uvu';
import { Tensor } from '@onnx-ts/core';
import { compareWithReference, randomTensor } from './helpers.js';

const gemmCases: [string, { a: number[]; b: number[]; c?: number[]; attrs?: Record<string, number> }][] = [
  ['one row, transB (a fully connected layer)', { a: [1, 37], b: [29, 37], c: [29], attrs: { transB: 1 } }],
  ['three rows, B not transposed, C [1, N]', { a: [3, 21], b: [21, 13], c: [1, 13] }],
  ['many rows through the packed GEMM, odd sizes', { a: [23, 19], b: [19, 17], c: [23, 17], attrs: { alpha: 0.5, beta: 2 } }],
  ['transA and transB, scalar C', { a: [15, 9], b: [11, 15], c: [1], attrs: { transA: 1, transB: 1 } }],
  ['C as a column [M, 1]', { a: [8, 5], b: [5, 6], c: [8, 1], attrs: { beta: -1 } }],
  ['no C', { a: [7, 300], b: [300, 10] }],
  ['edge tiles of 3 rows and 3 columns, two K blocks', { a: [15, 260], b: [260, 19], c: [19] }],
];

gemmCases.forEach(([name, c], i) => {
  test(`Gemm matches the reference: ${name}`, async () => {
    const constants: Record<string, Tensor> = { b: randomTensor(c.b, 20 + i) };
    if (c.c) constants.c = randomTensor(c.c, 30 + i);
    await compareWithReference({ op: 'Gemm', inputs: { a: randomTensor(c.a, 10 + i) }, constants, order: c.c ? ['a', 'b', 'c'] : ['a', 'b'], attrs: c.attrs });
  });
});

test('Gemm on 2 threads (matrix-vector and packed) matches the reference', async () => {
  await compareWithReference({ op: 'Gemm', inputs: { a: randomTensor([2, 700], 1) }, constants: { b: randomTensor([513, 700], 2) }, order: ['a', 'b'], attrs: { transB: 1 } }, { threads: 2 });
  await compareWithReference({ op: 'Gemm', inputs: { a: randomTensor([40, 70], 3) }, constants: { b: randomTensor([70, 90], 4) }, order: ['a', 'b'] }, { threads: 2 });
});

test('MatMul matches the reference: batched A with a 2-D B, both paths', async () => {
  await compareWithReference({ op: 'MatMul', inputs: { a: randomTensor([2, 3, 5, 12], 5) }, constants: { b: randomTensor([12, 7], 6) }, order: ['a', 'b'] });
  await compareWithReference({ op: 'MatMul', inputs: { a: randomTensor([1, 2, 9], 7), b: randomTensor([9, 4], 8) }, order: ['a', 'b'] });
});

test('MatMul with a batched B falls back to the reference', async () => {
  await compareWithReference({ op: 'MatMul', inputs: { a: randomTensor([2, 3, 4], 9), b: randomTensor([2, 4, 5], 10) }, order: ['a', 'b'] }, { accelerated: false });
});

test.run();
