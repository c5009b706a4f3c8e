/** `onnx-ts` with no arguments and `onnx-ts demo`, through the built binary; the demo model checked with onnxruntime. */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { compareValues } from '@onnx-ts/conformance';
import { jsonOf, onnxTs, readTensor, tempDir, tensorFromOutputJson } from './helpers.js';

test('no arguments: the demo CNN runs on every available backend and prints its probabilities and latency', () => {
  const r = onnxTs([]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'Conv → Relu → MaxPool → Conv → Relu → GlobalAveragePool → Flatten → Gemm → Softmax');
  assert.match(r.stdout, 'probabilities: float32 [1, 10]');
  assert.match(r.stdout, /probabilities sum to 1\n/);
  assert.match(r.stdout, /\ncpu-ref +[\d.]+ +5 +\(reference\)/);
});

test('demo --json: ten probabilities summing to one', () => {
  const r = onnxTs(['demo', '--json', '--runs', '2']);
  assert.is(r.status, 0, r.stderr);
  const p = jsonOf(r).outputs.probabilities;
  assert.equal(p.dims, [1, 10]);
  assert.ok(p.data.every((x: number) => x > 0 && x < 1));
  assert.ok(Math.abs(p.data.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-5);
});

test('the saved demo model gives the same outputs on onnxruntime-node', async () => {
  const dir = tempDir();
  const model = join(dir, 'demo.onnx');
  assert.is(onnxTs(['demo', '--save', model]).status, 0);
  const r = onnxTs(['run', model, '--save-inputs', join(dir, 'inputs'), '--json']);
  assert.is(r.status, 0, r.stderr);
  const ours = tensorFromOutputJson(jsonOf(r).outputs.probabilities);
  const image = readTensor(join(dir, 'inputs', 'image.pb'));
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ image: new ort.Tensor('float32', image.data as Float32Array, image.dims) });
  const theirs = new Tensor('float32', out.probabilities.data as Float32Array, out.probabilities.dims);
  assert.is(compareValues(ours, theirs, { rtol: 1e-4, atol: 1e-6 }, 'probabilities'), undefined);
  // Not a degenerate model: the classes differ.
  assert.ok(Math.max(...(theirs.data as Float32Array)) > 1.5 * Math.min(...(theirs.data as Float32Array)));
});

test.run();
