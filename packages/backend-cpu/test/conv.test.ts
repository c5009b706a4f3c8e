import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, InferenceSession, Tensor, buildModel } from '@onnx-ts/core';
import { acceleratedCounts, configure } from '../src/index.js';
import { assertClose, compareWithReference, randomTensor } from './helpers.js';

interface ConvCase {
  x: number[];
  w: number[];
  bias?: boolean;
  attrs?: Record<string, number | number[] | string>;
}

const cases: [string, ConvCase][] = [
  ['1×1 pointwise, odd sizes', { x: [1, 13, 7, 9], w: [11, 13, 1, 1], bias: true }],
  ['3×3 pads 1, filters not a multiple of 6', { x: [1, 5, 10, 11], w: [7, 5, 3, 3], bias: true, attrs: { pads: [1, 1, 1, 1] } }],
  ['asymmetric pads, stride 2', { x: [1, 3, 17, 15], w: [8, 3, 3, 3], attrs: { pads: [0, 1, 2, 1], strides: [2, 2] } }],
  ['dilation 2, stride 3', { x: [1, 4, 19, 23], w: [6, 4, 3, 2], bias: true, attrs: { dilations: [2, 2], strides: [3, 1], pads: [2, 1, 2, 1] } }],
  ['7×7 stride 2 pads 3 (network stem)', { x: [1, 3, 40, 36], w: [16, 3, 7, 7], bias: true, attrs: { pads: [3, 3, 3, 3], strides: [2, 2] } }],
  ['wide rows: patches packed from the image', { x: [1, 6, 9, 70], w: [9, 6, 3, 3], attrs: { pads: [1, 1, 1, 1] } }],
  ['groups 2', { x: [1, 6, 9, 9], w: [10, 3, 5, 5], bias: true, attrs: { group: 2, pads: [2, 2, 2, 2] } }],
  ['groups 4, 1×1', { x: [2, 8, 6, 5], w: [12, 2, 1, 1], attrs: { group: 4 } }],
  ['depthwise 3×3 stride 1', { x: [1, 7, 13, 21], w: [7, 1, 3, 3], bias: true, attrs: { group: 7, pads: [1, 1, 1, 1] } }],
  ['depthwise 3×3 stride 2, dilation 2', { x: [2, 5, 15, 12], w: [5, 1, 3, 3], attrs: { group: 5, pads: [2, 2, 2, 2], strides: [2, 2], dilations: [2, 2] } }],
  ['depthwise 3×3 stride 2 (shuffled lanes), odd width', { x: [1, 6, 15, 19], w: [6, 1, 3, 3], bias: true, attrs: { group: 6, pads: [1, 1, 1, 1], strides: [2, 2] } }],
  ['depthwise 5×4 asymmetric pads, ceil of the last vector', { x: [1, 3, 12, 10], w: [3, 1, 5, 4], attrs: { group: 3, pads: [2, 0, 1, 3] } }],
  ['depthwise stride 3, 1-D', { x: [2, 4, 31], w: [4, 1, 3], bias: true, attrs: { group: 4, pads: [1, 1], strides: [3] } }],
  ['Winograd: 3×3 stride 1, 16+ channels, odd output', { x: [1, 17, 11, 9], w: [19, 17, 3, 3], bias: true, attrs: { pads: [1, 1, 1, 1] } }],
  ['Winograd without padding, batch 2', { x: [2, 16, 8, 7], w: [16, 16, 3, 3], bias: true }],
  ['auto_pad SAME_UPPER stride 2', { x: [1, 3, 10, 9], w: [4, 3, 4, 3], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } }],
  ['auto_pad SAME_LOWER', { x: [1, 2, 7, 8], w: [3, 2, 2, 4], attrs: { auto_pad: 'SAME_LOWER' } }],
  ['auto_pad VALID with kernel_shape', { x: [1, 2, 6, 6], w: [3, 2, 3, 3], attrs: { auto_pad: 'VALID', kernel_shape: [3, 3] } }],
  ['1-D convolution', { x: [2, 3, 29], w: [5, 3, 4], bias: true, attrs: { pads: [1, 2], strides: [2] } }],
  ['single output pixel', { x: [1, 4, 3, 3], w: [2, 4, 3, 3] }],
];

function convCase(c: ConvCase, seed: number) {
  const constants: Record<string, ReturnType<typeof randomTensor>> = { w: randomTensor(c.w, seed + 1) };
  if (c.bias) constants.b = randomTensor([c.w[0]], seed + 2);
  return { op: 'Conv', inputs: { x: randomTensor(c.x, seed) }, constants, order: c.bias ? ['x', 'w', 'b'] : ['x', 'w'], attrs: c.attrs };
}

cases.forEach(([name, c], i) => {
  test(`Conv matches the reference: ${name}`, async () => {
    await compareWithReference(convCase(c, 100 + 10 * i));
  });
});

test('Conv on 2 threads matches the reference (GEMM, depthwise, Winograd)', async () => {
  for (const [i, c] of [cases[2], cases[8], cases[10], cases[13], cases[6]].entries()) {
    await compareWithReference(convCase(c[1], 500 + i), { threads: 2 });
  }
});

test('Conv with weights fed at run time (not constant) matches', async () => {
  const c = cases[13][1];
  await compareWithReference({ op: 'Conv', inputs: { x: randomTensor(c.x, 1), w: randomTensor(c.w, 2) }, order: ['x', 'w'], attrs: c.attrs });
});

/**
 * FusedConv (x, w, b) with an activation on 'cpu' against Conv followed by that op on 'cpu-ref'. `params` must not be
 * whole numbers, which the builder would store as ints.
 */
async function compareFused(activation: string, params: number[], then: (g: GraphBuilder, y: string) => string, threads = 1): Promise<void> {
  await configure({ threads });
  const x = randomTensor([1, 16, 9, 10], 61);
  const conv = { pads: [1, 1, 1, 1] };
  const model = (fused: boolean) => {
    const g = new GraphBuilder('fused');
    g.input('x', 'float32', [...x.dims]);
    g.initializer('w', randomTensor([20, 16, 3, 3], 62));
    g.initializer('b', randomTensor([20], 63));
    g.initializer('lo', new Tensor('float32', [-0.25], []));
    g.initializer('hi', new Tensor('float32', [0.5], []));
    const y = fused
      ? g.op('FusedConv', ['x', 'w', 'b'], { ...conv, activation, ...(params.length ? { activation_params: params } : {}) }, 'com.onnx-ts')
      : then(g, g.op('Conv', ['x', 'w', 'b'], conv));
    g.output(y);
    return buildModel(g.build(), { '': 13, 'com.onnx-ts': 1 });
  };
  const expected = Object.values(await (await InferenceSession.create(model(false), { executionProviders: ['cpu-ref'] })).run({ x }))[0];
  const session = await InferenceSession.create(model(true), { executionProviders: ['cpu'] });
  for (let run = 0; run < 2; run++) {
    const before = acceleratedCounts().get('FusedConv') ?? 0;
    const got = Object.values(await session.run({ x }))[0];
    assert.is(acceleratedCounts().get('FusedConv'), before + 1, 'FusedConv took the WebAssembly path');
    assertClose(got, expected, 1e-4, 1e-5, `FusedConv ${activation} run ${run}`);
  }
  await session.release();
}

test('FusedConv with Relu or Clip runs the clamp in the convolution', async () => {
  await compareFused('Relu', [], (g, y) => g.op('Relu', [y]));
  await compareFused('Clip', [-0.25, 0.5], (g, y) => g.op('Clip', [y, 'lo', 'hi']), 2);
});

test('FusedConv with another activation and no fused backend loaded is a clear Error', async () => {
  const g = new GraphBuilder('fused');
  g.input('x', 'float32', [1, 2, 4, 4]);
  g.initializer('w', randomTensor([3, 2, 1, 1], 1));
  g.output(g.op('FusedConv', ['x', 'w'], { activation: 'Sigmoid' }, 'com.onnx-ts'));
  const session = await InferenceSession.create(buildModel(g.build(), { '': 13, 'com.onnx-ts': 1 }), { executionProviders: ['cpu'] });
  try {
    await session.run({ x: randomTensor([1, 2, 4, 4], 2) });
    assert.unreachable('the run should fail');
  } catch (e) {
    assert.match((e as Error).message, /FusedConv: activation 'Sigmoid' needs the 'onnx-ts-fused' backend/);
  }
  await session.release();
});

test('Conv outside the fast path (3-D) falls back to the reference', async () => {
  await compareWithReference({ op: 'Conv', inputs: { x: randomTensor([1, 2, 4, 5, 6], 3) }, constants: { w: randomTensor([3, 2, 2, 2, 2], 4) }, order: ['x', 'w'] }, { accelerated: false });
});

test.run();
