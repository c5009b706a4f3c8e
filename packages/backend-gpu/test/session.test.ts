// Whole-graph behaviour: intermediate tensors stay on the GPU between GPU nodes, the executor moves them only at
// graph inputs/outputs and around nodes that run elsewhere, outputs reach the caller on the CPU, and a light model
// runs on the GPU and matches its expected output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GraphBuilder, InferenceSession, Tensor, buildModel, decodeModel, decodeValue } from '@onnx-ts/core';
import '@onnx-ts/backend-cpu-ref';
import { delegationCounts, gpuBackend } from '../src/index.js';
import { GpuSession } from '../src/session.js';
import { difference, random, randomTensor } from './harness.js';

/** Counts the backend's uploads (which a session makes through its GpuSession) and downloads while `body` runs. */
async function countingMoves(body: () => Promise<void>): Promise<{ uploads: number; downloads: number }> {
  const counts = { uploads: 0, downloads: 0 };
  const { upload } = GpuSession.prototype;
  const { download } = gpuBackend;
  GpuSession.prototype.upload = function (t) { counts.uploads++; return upload.call(this, t); };
  gpuBackend.download = (t) => { counts.downloads++; return download!(t); };
  try {
    await body();
  } finally {
    GpuSession.prototype.upload = upload;
    gpuBackend.download = download;
  }
  return counts;
}

test('a chain of GPU nodes keeps its tensors on the GPU and returns CPU outputs', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [4, 8]);
  g.input('w', 'float32', [8, 8]);
  let v = g.op('MatMul', ['x', 'w']);
  v = g.op('Relu', [v]);
  v = g.op('Softmax', [v], { axis: 1 });
  v = g.op('Mul', [v, v]);
  g.output(v, 'float32');
  const session = await InferenceSession.create(buildModel(g.build()), { executionProviders: ['gpu'] });
  assert.ok(session.placement.every((p) => p.backend === 'gpu'));
  const next = random(3);
  const feeds = { x: randomTensor('float32', [4, 8], next), w: randomTensor('float32', [8, 8], next) };
  let out: Record<string, unknown> = {};
  const moves = await countingMoves(async () => { out = await session.run(feeds); });
  assert.equal(moves, { uploads: 2, downloads: 1 }, 'two inputs up, one output down, nothing in between');
  const y = out[session.outputNames[0]] as Tensor;
  assert.is(y.location, 'cpu');
  const reference = await InferenceSession.create(buildModel(g.build()), { executionProviders: ['cpu-ref'] });
  const expected = (await reference.run(feeds))[reference.outputNames[0]];
  assert.not.ok(difference(y, expected, { rtol: 1e-3, atol: 1e-6 }));
});

test('a node without a GPU kernel in the middle runs on cpu-ref between downloads and uploads', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [3, 3]);
  const a = g.op('Exp', ['x']);
  const d = g.op('Det', [a]);
  const y = g.op('Neg', [d]);
  g.output(y, 'float32');
  const session = await InferenceSession.create(buildModel(g.build()), { executionProviders: ['gpu'] });
  assert.equal(session.placement.map((p) => p.backend), ['gpu', 'cpu-ref', 'gpu']);
  const x = randomTensor('float32', [3, 3], random(5));
  const out = (await session.run({ x }))[session.outputNames[0]];
  const reference = await InferenceSession.create(buildModel(g.build()), { executionProviders: ['cpu-ref'] });
  assert.not.ok(difference(out, (await reference.run({ x }))[reference.outputNames[0]], { rtol: 1e-3, atol: 1e-6 }));
});

function lightData(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const dir = process.env.ONNX_TEST_DATA ? join(process.env.ONNX_TEST_DATA, 'light') : join(here, '../../../../shared/onnx-backend-test-data/light');
  if (!existsSync(dir)) throw new Error(`light model data not found at ${dir} (set ONNX_TEST_DATA)`);
  return dir;
}

test('the light squeezenet model runs on the GPU and matches its expected output', async () => {
  const dir = lightData();
  const model = decodeModel(new Uint8Array(readFileSync(join(dir, 'light_squeezenet.onnx'))));
  const session = await InferenceSession.create(model, { executionProviders: ['gpu'] });
  const onGpu = session.placement.filter((p) => p.backend === 'gpu').length;
  assert.is(onGpu, session.placement.length, 'every node is placed on the GPU');
  const dims = [1, 3, 224, 224];
  const n = 3 * 224 * 224;
  const before = [...delegationCounts().values()].reduce((a, b) => a + b, 0);
  const out = await session.run({ [session.inputNames[0]]: new Tensor('float32', Float32Array.from({ length: n }, (_, i) => i / n), dims) });
  assert.is([...delegationCounts().values()].reduce((a, b) => a + b, 0), before, 'no node was handed to cpu-ref');
  const expected = decodeValue(new Uint8Array(readFileSync(join(dir, 'light_squeezenet_output_0.pb'))), 'tensor');
  assert.not.ok(difference(out[session.outputNames[0]], expected, { rtol: 1e-3, atol: 1e-7 }));
});

test.run();
