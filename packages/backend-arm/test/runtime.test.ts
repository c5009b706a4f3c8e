/**
 * The runtime around the kernels: settings and their errors, the packed-weight cache (reused, and rebuilt when a
 * weight's data changes in place), low-memory mode (nothing kept between runs) and memory reuse across runs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, type Tensor } from '@onnx-ts/core';
import { configure, kernelInfo } from '../src/index.js';
import { DEFAULT_TILES } from '../src/config.js';
import { expectClose, nodeModel, randomBytes, rng, runOn } from './helpers.js';

test('configure rejects bad settings with a message naming them', () => {
  assert.throws(() => configure({ tiles: { kc: 6 } }), /tiles\.kc must be a positive multiple of 4, got 6/);
  assert.throws(() => configure({ tiles: { nc: 12 } }), /tiles\.nc must be a positive multiple of 8, got 12/);
  assert.throws(() => configure({ relaxedSimd: 'yes' as never }), /relaxedSimd must be 'auto', true or false/);
  configure({ tiles: DEFAULT_TILES });
});

function weightModel(seed: number) {
  const next = rng(seed);
  return nodeModel({ op: 'MatMulInteger', inputs: [randomBytes(next, 'uint8', [6, 300]), randomBytes(next, 'int8', [300, 70])], constants: [1] });
}

test('packed weights are reused between runs and rebuilt when the weight data changes in place', async () => {
  const { model, feeds } = weightModel(1);
  const session = await InferenceSession.create(model, { executionProviders: ['arm'], graphOptimizationLevel: 'disabled' });
  await session.run(feeds);
  await session.run(feeds);
  const cached = kernelInfo().liveBytes;
  assert.ok(cached > 0, 'the weight is packed and kept after its second use');
  const weight = model.graph.initializers.get('in1')!;
  (weight.data as Int8Array).reverse();
  const out = (await session.run(feeds))[session.outputNames[0]] as Tensor;
  const ref = await runOn(model, feeds, 'cpu-ref');
  expectClose(out, ref.outputs[0], 'after the weight changed');
});

test('low-memory mode keeps no packed weights and gives the same results', async () => {
  const { model, feeds } = weightModel(2);
  const normal = await runOn(model, feeds, 'arm', 3);
  configure({ lowMemory: true });
  try {
    const liveBefore = kernelInfo().liveBytes;
    const low = await runOn(model, feeds, 'arm', 3);
    assert.is(kernelInfo().liveBytes, liveBefore, 'nothing new is kept after the runs');
    expectClose(low.outputs[0], normal.outputs[0], 'low-memory result');
  } finally {
    configure({ lowMemory: false });
  }
});

test('repeated runs reuse the module memory instead of growing it', async () => {
  const { model, feeds } = weightModel(3);
  const session = await InferenceSession.create(model, { executionProviders: ['arm'], graphOptimizationLevel: 'disabled' });
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const size = kernelInfo().memoryBytes;
  for (let i = 0; i < 20; i++) await session.run(feeds);
  assert.is(kernelInfo().memoryBytes, size);
});

test.run();
