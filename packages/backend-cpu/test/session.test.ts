import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, InferenceSession, Tensor, buildModel, type Model } from '@onnx-ts/core';
import { configure } from '../src/index.js';
import { openSessionCount } from '../src/runtime/constants.js';
import { wasmRuntime } from '../src/runtime/wasm.js';
import { assertClose, randomFloats, randomTensor } from './helpers.js';

/**
 * Weights of every packed kind: a 3×3 Conv with enough channels for Winograd, BatchNormalization, a depthwise Conv
 * with a bias, a strided Conv (packed GEMM), a Gemm with transB and a MatMul (both matrix-vector, one transposed).
 */
function network(): { model: Model; weightBytes: number } {
  const g = new GraphBuilder('weights');
  const c = 16;
  g.input('x', 'float32', [1, 4, 8, 8]);
  const weights: Record<string, number[]> = {
    w0: [c, 4, 3, 3], w1: [c, c, 3, 3], scale: [c], bias: [c], mean: [c], dw: [c, 1, 3, 3], dwBias: [c], w2: [8, c, 3, 3],
    fc: [10, 8 * 16], proj: [10, 6],
  };
  let weightBytes = 0;
  Object.entries(weights).forEach(([name, dims], i) => {
    g.initializer(name, randomTensor(dims, 10 + i));
    weightBytes += dims.reduce((a, b) => a * b, 1) * 4;
  });
  g.initializer('variance', new Tensor('float32', Float32Array.from({ length: c }, (_, i) => 0.5 + i / 8), [c]));
  const first = g.op('Conv', ['x', 'w0'], { pads: [1, 1, 1, 1] });
  const winograd = g.op('Conv', [first, 'w1'], { pads: [1, 1, 1, 1] });
  const bn = g.op('BatchNormalization', [winograd, 'scale', 'bias', 'mean', 'variance']);
  const depthwise = g.op('Conv', [g.op('Relu', [bn]), 'dw', 'dwBias'], { group: c, pads: [1, 1, 1, 1] });
  const strided = g.op('Conv', [depthwise, 'w2'], { pads: [1, 1, 1, 1], strides: [2, 2] });
  const logits = g.op('Gemm', [g.op('Flatten', [strided]), 'fc'], { transB: 1 });
  g.output(g.op('MatMul', [logits, 'proj']));
  return { model: buildModel(g.build(), { '': 13 }), weightBytes };
}

const input = (seed: number) => randomTensor([1, 4, 8, 8], seed);

async function expectedOutput(model: Model, feeds: Record<string, Tensor>): Promise<Tensor> {
  const reference = await InferenceSession.create(model, { executionProviders: ['cpu-ref'] });
  return Object.values(await reference.run(feeds))[0] as Tensor;
}

async function runOn(session: InferenceSession, feeds: Record<string, Tensor>): Promise<Tensor> {
  return Object.values(await session.run(feeds))[0] as Tensor;
}

test('weights are packed into the heap on the first run and freed by release()', async () => {
  await configure({ threads: 1 });
  const { model, weightBytes } = network();
  const { heap } = wasmRuntime();
  const before = heap.used;
  const sessions = openSessionCount();
  const session = await InferenceSession.create(model, { executionProviders: ['cpu'] });
  assert.is(openSessionCount(), sessions + 1);
  const x = input(1);
  assertClose(await runOn(session, { x }), await expectedOutput(model, { x }), 1e-4, 1e-5, 'first run');
  const packed = heap.used - before;
  assert.ok(packed >= weightBytes, `the heap holds the packed weights after one run (${packed} bytes, weights ${weightBytes})`);
  await runOn(session, { x });
  assert.is(heap.used - before, packed, 'a second run packs nothing more');
  await session.release();
  assert.is(heap.used, before, 'release() returns every byte to the heap');
  assert.is(openSessionCount(), sessions);
});

test('two sessions of one model: releasing one leaves the other running correctly', async () => {
  await configure({ threads: 2 });
  const { model } = network();
  const { heap } = wasmRuntime();
  const before = heap.used;
  const first = await InferenceSession.create(model, { executionProviders: ['cpu'] });
  const second = await InferenceSession.create(model, { executionProviders: ['cpu'] });
  const x = input(2);
  const expected = await expectedOutput(model, { x });
  await runOn(first, { x });
  await runOn(second, { x });
  const shared = heap.used - before;
  await first.release();
  assert.is(heap.used - before, shared, 'the packs the other session uses stay');
  for (let run = 0; run < 2; run++) assertClose(await runOn(second, { x }), expected, 1e-4, 1e-5, `second session run ${run}`);
  // A session created after the release packs again and shares with the one still open.
  const third = await InferenceSession.create(model, { executionProviders: ['cpu'] });
  assertClose(await runOn(third, { x }), expected, 1e-4, 1e-5, 'third session');
  await second.release();
  assertClose(await runOn(third, { x }), expected, 1e-4, 1e-5, 'third session after the second is released');
  await third.release();
  assert.is(heap.used, before);
});

test('a weight made by ConstantOfShape of a shape initializer is packed once per session', async () => {
  await configure({ threads: 1 });
  const g = new GraphBuilder('generated');
  g.input('x', 'float32', [1, 64]);
  g.initializer('shape', new Tensor('int64', BigInt64Array.from([64n, 32n]), [2]));
  const w = g.op('ConstantOfShape', ['shape'], { value: new Tensor('float32', [0.25], [1]) });
  g.output(g.op('MatMul', ['x', w]));
  const model = buildModel(g.build(), { '': 13 });
  const { heap } = wasmRuntime();
  const before = heap.used;
  const session = await InferenceSession.create(model, { executionProviders: ['cpu'] });
  const x = randomTensor([1, 64], 6);
  const sum = (x.data as Float32Array).reduce((a, b) => a + b, 0);
  for (let run = 0; run < 2; run++) {
    const y = await runOn(session, { x });
    assertClose(y, new Tensor('float32', new Float32Array(32).fill(0.25 * sum), [1, 32]), 1e-4, 1e-5, `run ${run}`);
    assert.ok(heap.used - before >= 64 * 32 * 4, `run ${run}: the weight is kept packed`);
  }
  await session.release();
  assert.is(heap.used, before);
});

test('a fed weight changed in place between runs gives the new answer each run', async () => {
  await configure({ threads: 1 });
  const g = new GraphBuilder('fed');
  g.input('x', 'float32', [1, 3, 6, 6]);
  g.input('w', 'float32', [4, 3, 3, 3]);
  g.input('fc', 'float32', [4 * 16, 5]);
  const conv = g.op('Conv', ['x', 'w']);
  g.output(g.op('MatMul', [g.op('Flatten', [conv]), 'fc']));
  const model = buildModel(g.build(), { '': 13 });
  const session = await InferenceSession.create(model, { executionProviders: ['cpu'] });
  const { heap } = wasmRuntime();
  const feeds = { x: randomTensor([1, 3, 6, 6], 3), w: randomTensor([4, 3, 3, 3], 4), fc: randomTensor([64, 5], 5) };
  const before = heap.used;
  for (let run = 0; run < 3; run++) {
    (feeds.w.data as Float32Array).set(randomFloats(feeds.w.size, 20 + run));
    (feeds.fc.data as Float32Array).set(randomFloats(feeds.fc.size, 30 + run));
    assertClose(await runOn(session, feeds), await expectedOutput(model, feeds), 1e-4, 1e-5, `run ${run}`);
  }
  assert.is(heap.used, before, 'fed tensors are not kept in the heap');
  await session.release();
});

test.run();
