/** `onnx-ts run`, through the built binary, against the ONNX test data's expected outputs. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, buildModel, saveModel } from '@onnx-ts/core';
import { DEFAULT_TOLERANCE, compareValues } from '@onnx-ts/conformance';
import { FIXTURES, LIGHT, NODE_TESTS, jsonOf, npyFloat32, onnxTs, readTensor, tempDir, tensorFromOutputJson } from './helpers.js';

test('run --json with .pb inputs matches the node test expected output', () => {
  const dir = join(NODE_TESTS, 'test_basic_conv_with_padding');
  const set = join(dir, 'test_data_set_0');
  const r = onnxTs(['run', join(dir, 'model.onnx'), '--input', `x=${join(set, 'input_0.pb')}`, '--input', `W=${join(set, 'input_1.pb')}`, '--json']);
  assert.is(r.status, 0, r.stderr);
  const out = jsonOf(r);
  const got = tensorFromOutputJson(out.outputs.y);
  assert.is(compareValues(got, readTensor(join(set, 'output_0.pb')), DEFAULT_TOLERANCE, 'y'), undefined);
  assert.is(out.backends[0].name, 'cpu-ref');
  assert.ok(out.backends[0].medianMs > 0);
});

test('run --json on a light model with an .npy input (arange(n)/n) matches its expected output', () => {
  const dims = [1, 3, 224, 224];
  const n = dims.reduce((a, b) => a * b, 1);
  const file = join(tempDir(), 'data_0.npy');
  writeFileSync(file, npyFloat32(Float32Array.from({ length: n }, (_, i) => i / n), dims));
  const r = onnxTs(['run', join(LIGHT, 'light_squeezenet.onnx'), '--input', file, '--json']);
  assert.is(r.status, 0, r.stderr);
  const got = tensorFromOutputJson(jsonOf(r).outputs.softmaxout_1);
  const expected = readTensor(join(LIGHT, 'light_squeezenet_output_0.pb'));
  assert.is(compareValues(got, expected, DEFAULT_TOLERANCE, 'softmaxout_1'), undefined);
});

test('run reads a nested-array .json input and prints a readable summary', () => {
  const dir = join(NODE_TESTS, 'test_relu');
  const x = readTensor(join(dir, 'test_data_set_0', 'input_0.pb'));
  const [d0, d1, d2] = x.dims;
  const data = x.data as Float32Array;
  const nested = Array.from({ length: d0 }, (_, i) => Array.from({ length: d1 }, (_, j) => Array.from(data.subarray((i * d1 + j) * d2, (i * d1 + j + 1) * d2))));
  const file = join(tempDir(), 'x.json');
  writeFileSync(file, JSON.stringify(nested));
  const json = onnxTs(['run', join(dir, 'model.onnx'), '--input', `x=${file}`, '--json']);
  assert.is(json.status, 0, json.stderr);
  const got = tensorFromOutputJson(jsonOf(json).outputs.y);
  assert.is(compareValues(got, readTensor(join(dir, 'test_data_set_0', 'output_0.pb')), DEFAULT_TOLERANCE, 'y'), undefined);

  const text = onnxTs(['run', join(dir, 'model.onnx'), '--input', `x=${file}`]);
  assert.is(text.status, 0, text.stderr);
  assert.match(text.stdout, `y: float32 [${x.dims.join(', ')}]`);
  assert.match(text.stdout, /min 0 {2}max \d/);
  assert.match(text.stdout, /cpu-ref +[\d.]+ +1 +\(reference\)/);
});

test('run generates seeded inputs, sets symbolic dims with --dim, and saves the inputs it used', () => {
  const dir = tempDir();
  const g = new GraphBuilder('relu_n');
  g.input('x', 'float32', ['N', 3]);
  g.node('Relu', ['x'], {}, { outputs: ['y'] });
  g.output('y', 'float32', ['N', 3]);
  const model = join(dir, 'relu.onnx');
  writeFileSync(model, saveModel(buildModel(g.build(), { 'ai.onnx': 14 })));

  const run = (seed: string, saveTo = seed) => onnxTs(['run', model, '--dim', 'N=4', '--seed', seed, '--save-inputs', join(dir, saveTo), '--json']);
  const r = run('7');
  assert.is(r.status, 0, r.stderr);
  const y = tensorFromOutputJson(jsonOf(r).outputs.y);
  const x = readTensor(join(dir, '7', 'x.pb'));
  assert.equal([...x.dims], [4, 3]);
  assert.equal([...y.dims], [4, 3]);
  assert.equal([...(y.data as Float32Array)], [...(x.data as Float32Array)].map((v) => Math.max(v, 0)));
  // Same seed, same inputs; another seed, other inputs.
  const again = run('7', '7-again');
  assert.equal(readFileSync(join(dir, '7-again', 'x.pb')), readFileSync(join(dir, '7', 'x.pb')));
  assert.equal(jsonOf(again).outputs.y.data, jsonOf(r).outputs.y.data);
  run('8');
  assert.not.equal([...(readTensor(join(dir, '8', 'x.pb')).data as Float32Array)], [...(x.data as Float32Array)]);

  const bad = onnxTs(['run', model, '--dim', 'M=4']);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, "onnx-ts: --dim M: the model's inputs have no symbolic dim 'M'");
  assert.match(bad.stderr, 'hint: symbolic dims: N');
});

test('run on two backends reports whether the second agrees with the first', () => {
  const dir = join(NODE_TESTS, 'test_relu');
  const x = join(dir, 'test_data_set_0', 'input_0.pb');
  const same = onnxTs(['run', join(dir, 'model.onnx'), '--input', x, '--backend', 'cpu-ref,cpu-ref']);
  assert.is(same.status, 0, same.stderr);
  assert.match(same.stdout, /\ncpu-ref +[\d.]+ +1 +yes\n/);
  // The test-only backend's Relu adds 0.25 to each of the 3x4x5 elements.
  const corrupt = onnxTs(['run', join(dir, 'model.onnx'), '--input', x, '--backend', 'cpu-ref,corrupt-relu'], { preload: join(FIXTURES, 'corrupt-relu-backend.mjs') });
  assert.is(corrupt.status, 1, corrupt.stderr);
  assert.match(corrupt.stdout, /\ncorrupt-relu +[\d.]+ +1 +no: output 'y': 60 of 60 elements differ/);
});

test('errors are one line and a hint; --verbose adds the stack', () => {
  const missing = onnxTs(['run', 'missing.onnx']);
  assert.is(missing.status, 2);
  const lines = missing.stderr.trim().split('\n');
  assert.is(lines[0], "onnx-ts: no such file: 'missing.onnx'");
  assert.ok(lines[1].startsWith('hint: '), missing.stderr);
  assert.is(lines.length, 2);
  assert.not.match(missing.stderr, /\n\s+at /);

  const verbose = onnxTs(['run', 'missing.onnx', '--verbose']);
  assert.match(verbose.stderr, /\n\s+at /);

  const model = join(NODE_TESTS, 'test_relu', 'model.onnx');
  const backend = onnxTs(['run', model, '--backend', 'nope']);
  assert.is(backend.status, 2);
  assert.match(backend.stderr, "onnx-ts: unknown backend 'nope'\nhint: available backends: cpu-ref");
  const input = onnxTs(['run', model, '--input', 'z=x.pb']);
  assert.match(input.stderr, "onnx-ts: --input z: the model has no input 'z'\nhint: inputs: x");
  const notModel = onnxTs(['run', join(NODE_TESTS, 'test_relu', 'test_data_set_0', 'input_0.pb')]);
  assert.is(notModel.status, 2);
  assert.match(notModel.stderr, /^onnx-ts: .*input_0\.pb: /);
  const command = onnxTs(['frobnicate']);
  assert.match(command.stderr, "onnx-ts: unknown command 'frobnicate'");
  const usage = onnxTs(['run']);
  assert.is(usage.stderr, "onnx-ts: missing required argument 'model'\nhint: add --help for usage\n");
});

test.run();
