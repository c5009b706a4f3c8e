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

function weightModel(seed: number, weightIsConstant = true) {
  const next = rng(seed);
  return nodeModel({ op: 'MatMulInteger', inputs: [randomBytes(next, 'uint8', [6, 300]), randomBytes(next, 'int8', [300, 70])], constants: weightIsConstant ? [1] : [] });
}

test('packed weights are reused between runs and rebuilt when a fed weight changes in place', async () => {
  // A model's own constants never change (core's contract); a feed reused across runs may, and is checked.
  const { model, feeds } = weightModel(1, false);
  const session = await InferenceSession.create(model, { executionProviders: ['arm'], graphOptimizationLevel: 'disabled' });
  await session.run(feeds);
  await session.run(feeds);
  const cached = kernelInfo().liveBytes;
  assert.ok(cached > 0, 'the weight is packed and kept after its second use');
  (feeds.in1.data as Int8Array).reverse();
  const out = (await session.run(feeds))[session.outputNames[0]] as Tensor;
  const ref = await runOn(model, feeds, 'cpu-ref');
  expectClose(out, ref.outputs[0], 'after the weight changed');
});

test('the integer GEMM split over worker threads gives the single-thread result (intraOpNumThreads)', async () => {
  const next = rng(11);
  // 96 × 640 × 200: large enough to be split into tiles.
  const { model, feeds } = nodeModel({ op: 'MatMulInteger', inputs: [randomBytes(next, 'uint8', [96, 640]), randomBytes(next, 'int8', [640, 200])], constants: [1] });
  const run = async (threads: number): Promise<Tensor> => {
    const session = await InferenceSession.create(model, { executionProviders: ['arm'], intraOpNumThreads: threads });
    const out = (await session.run(feeds))[session.outputNames[0]] as Tensor;
    assert.is(kernelInfo().threads, threads, `${threads} thread(s) in use`);
    return out;
  };
  const one = await run(1);
  const two = await run(2);
  expectClose(two, one, 'two threads against one');
  expectClose(two, (await runOn(model, feeds, 'cpu-ref')).outputs[0], 'two threads against the reference');
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
