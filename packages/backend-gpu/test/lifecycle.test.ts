// A session's life on the GPU: the model's weights are written to the GPU once and reused by every run, a run hands
// its intermediates back to the pool so steady-state runs allocate nothing new, release() frees everything, and a
// session asked for an unavailable gpu says why.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, InferenceSession, Tensor, buildModel, type Model } from '@onnx-ts/core';
import '@onnx-ts/backend-cpu-ref';
import { configureGpu, gpuBackend, gpuContext, gpuStats, releaseGpu, type GpuStats } from '../src/index.js';
import { difference, random, randomTensor } from './harness.js';

const FEED_DIMS = [4, 16];
const FEED_BYTES = 4 * 16 * 4;

/** x·W1 + b1, Relu, ·W2, reshaped by an int64 constant (read on the CPU, never stored on the GPU). */
function mlp(): Model {
  const g = new GraphBuilder('mlp');
  const next = random(11);
  g.input('x', 'float32', FEED_DIMS);
  g.initializer('w1', randomTensor('float32', [16, 32], next));
  g.initializer('b1', randomTensor('float32', [32], next));
  g.initializer('w2', randomTensor('float32', [32, 8], next));
  g.initializer('shape', new Tensor('int64', BigInt64Array.of(2n, 16n), [2]));
  let v = g.op('MatMul', ['x', 'w1']);
  v = g.op('Add', [v, 'b1']);
  v = g.op('Relu', [v]);
  v = g.op('MatMul', [v, 'w2']);
  g.output(g.op('Reshape', [v, 'shape']), 'float32');
  return buildModel(g.build());
}

const inUse = (s: GpuStats) => s.liveBuffers - s.pooledBuffers;

async function expected(model: Model, feeds: Record<string, Tensor>): Promise<Tensor> {
  const reference = await InferenceSession.create(model, { executionProviders: ['cpu-ref'] });
  const out = (await reference.run(feeds))[reference.outputNames[0]] as Tensor;
  await reference.release();
  return out;
}

async function output(session: InferenceSession, feeds: Record<string, Tensor>): Promise<Tensor> {
  return (await session.run(feeds))[session.outputNames[0]] as Tensor;
}

test('weights are uploaded once, steady-state runs reuse pooled buffers, release() frees everything', async () => {
  // A fresh device, so buffers other test files left to the garbage collector do not count.
  await releaseGpu();
  const model = mlp();
  const feeds = { x: randomTensor('float32', FEED_DIMS, random(5)) };
  const want = await expected(model, feeds);
  const session = await InferenceSession.create(model, { executionProviders: ['gpu'] });
  assert.ok(session.placement.every((p) => p.backend === 'gpu'), 'every node runs on the GPU');
  assert.is(gpuBackend.describe?.(), (await gpuContext()).label, 'the backend describes itself by its adapter');
  const weights = [...session.model.graph.initializers.values()].filter((t) => t.type === 'float32');
  const weightBytes = weights.reduce((n, t) => n + t.size * 4, 0);

  const start = await gpuStats();
  assert.not.ok(difference(await output(session, feeds), want, { rtol: 1e-3, atol: 1e-6 }));
  const first = await gpuStats();
  assert.is(first.uploadedBytes - start.uploadedBytes, weightBytes + FEED_BYTES, 'first run: the weights and the feed');
  assert.is(inUse(first), weights.length, 'after a run only the cached weights are in use');

  for (let run = 0; run < 3; run++) {
    const before = await gpuStats();
    assert.not.ok(difference(await output(session, feeds), want, { rtol: 1e-3, atol: 1e-6 }));
    const after = await gpuStats();
    assert.is(after.uploadedBytes - before.uploadedBytes, FEED_BYTES, 'later runs upload only the feed');
    assert.is(after.liveBuffers, first.liveBuffers, 'no buffer is created once the pool holds what a run needs');
    assert.is(inUse(after), weights.length);
  }

  await session.release();
  const released = await gpuStats();
  assert.equal([released.liveBuffers, released.liveBytes, released.pooledBuffers, released.pooledBytes], [0, 0, 0, 0]);
  try {
    await session.run(feeds);
    assert.unreachable('a released session ran');
  } catch (e) {
    assert.match((e as Error).message, /released/);
  }
});

test('releasing one of two sessions on one model leaves the other its weights', async () => {
  const model = mlp();
  const feeds = { x: randomTensor('float32', FEED_DIMS, random(6)) };
  const want = await expected(model, feeds);
  const first = await InferenceSession.create(model, { executionProviders: ['gpu'] });
  const second = await InferenceSession.create(model, { executionProviders: ['webgpu'] });
  await output(first, feeds);
  await output(second, feeds);
  await first.release();
  const before = await gpuStats();
  assert.not.ok(difference(await output(second, feeds), want, { rtol: 1e-3, atol: 1e-6 }));
  const after = await gpuStats();
  assert.is(after.uploadedBytes - before.uploadedBytes, FEED_BYTES, 'the remaining session still has its weights');
  await second.release();
  assert.is((await gpuStats()).liveBuffers, 0);
});

test('a session outlives releaseGpu(): its weights are uploaded again to the new device', async () => {
  const model = mlp();
  const feeds = { x: randomTensor('float32', FEED_DIMS, random(8)) };
  const want = await expected(model, feeds);
  const session = await InferenceSession.create(model, { executionProviders: ['gpu'] });
  await output(session, feeds);
  await releaseGpu();
  assert.not.ok(difference(await output(session, feeds), want, { rtol: 1e-3, atol: 1e-6 }));
  const weights = [...session.model.graph.initializers.values()].filter((t) => t.type === 'float32');
  assert.is(inUse(await gpuStats()), weights.length, 'the new device holds the weights once');
  await session.release();
  assert.is((await gpuStats()).liveBuffers, 0);
});

test('a gpu without an adapter: skipped with the reason, an Error when it is the only provider', async () => {
  const noAdapter = { requestAdapter: async () => null, wgslLanguageFeatures: new Set() } as unknown as GPU;
  await configureGpu({ gpu: noAdapter });
  try {
    const model = mlp();
    try {
      await InferenceSession.create(model, { executionProviders: ['gpu'] });
      assert.unreachable('a session was created without an adapter');
    } catch (e) {
      assert.match((e as Error).message, /none of the execution providers \[gpu\] is available \('gpu': .*adapter/);
    }
    const fallback = await InferenceSession.create(model, { executionProviders: ['gpu', 'cpu-ref'] });
    assert.equal(fallback.unavailableProviders.map((u) => u.name), ['gpu']);
    assert.ok(fallback.placement.every((p) => p.backend === 'cpu-ref'));
    await fallback.release();
  } finally {
    await configureGpu({});
  }
});

test.run();
