/** `onnx-ts diff`, through the built binary: agreement with itself, and a corrupted Relu found as the first disagreement. */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FIXTURES, LIGHT, jsonOf, onnxTs, readModel } from './helpers.js';

const SQUEEZENET = join(LIGHT, 'light_squeezenet.onnx');
const CORRUPT = join(FIXTURES, 'corrupt-relu-backend.mjs');

test('cpu-ref against itself: every value agrees', () => {
  const r = onnxTs(['diff', SQUEEZENET, '--backends', 'cpu-ref,cpu-ref', '--json']);
  assert.is(r.status, 0, r.stderr);
  const out = jsonOf(r);
  const model = readModel(SQUEEZENET);
  const produced = model.graph.nodes.flatMap((n) => n.outputs.filter(Boolean));
  assert.is(out.compared, produced.length);
  assert.is(out.disagreeing, 0);
  assert.is(out.maxAbsDiff, 0);
  assert.is(out.firstDisagreement, null);
  assert.ok(out.outputsAgree);
});

test('a backend whose Relu is off by 0.25: the first Relu in execution order is reported', () => {
  const model = readModel(SQUEEZENET);
  // Every later node of squeezenet depends on the first Relu, so it runs before any other Relu.
  const firstRelu = model.graph.nodes.find((n) => n.opType === 'Relu')!;
  const r = onnxTs(['diff', SQUEEZENET, '--backends', 'cpu-ref,corrupt-relu', '--json'], { preload: CORRUPT });
  assert.is(r.status, 1, r.stderr);
  const out = jsonOf(r);
  assert.is(out.firstDisagreement.node, firstRelu.name);
  assert.is(out.firstDisagreement.opType, 'Relu');
  assert.is(out.firstDisagreement.value, firstRelu.outputs[0]);
  assert.ok(Math.abs(out.firstDisagreement.maxAbsDiff - 0.25) < 1e-3, String(out.firstDisagreement.maxAbsDiff));
  const stats = out.firstDisagreement.stats;
  // Every element shifted by 0.25: min, max and mean move by 0.25, the spread stays.
  for (const key of ['min', 'max', 'mean']) assert.ok(Math.abs(stats['corrupt-relu'][key] - stats['cpu-ref'][key] - 0.25) < 1e-4, key);
  assert.ok(Math.abs(stats['corrupt-relu'].std - stats['cpu-ref'].std) < 1e-4);
  assert.ok(out.disagreeing > 1, 'values after the corrupted node disagree too');
});

test('diff text report names the node, both values and the rule', () => {
  const model = readModel(SQUEEZENET);
  const firstRelu = model.graph.nodes.find((n) => n.opType === 'Relu')!;
  const r = onnxTs(['diff', SQUEEZENET, '--backends', 'cpu-ref,corrupt-relu', '--atol', '1e-4'], { preload: CORRUPT });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stdout, 'cpu-ref vs corrupt-relu: ');
  assert.match(r.stdout, '(|a-b| <= 1e-4 + 0.001·|b|, b = corrupt-relu)');
  assert.match(r.stdout, `first disagreement at node '${firstRelu.name}' (Relu), output '${firstRelu.outputs[0]}'`);
  // conv1 of squeezenet: 64 filters, 3x3 stride 2 over 224x224 gives 111x111.
  assert.match(r.stdout, /\n  cpu-ref: float32 \[1, 64, 111, 111\]  min [\d.]+  max [\d.]+  mean [\d.]+  std [\d.]+\n/);
  assert.match(r.stdout, /\n  corrupt-relu: float32 \[1, 64, 111, 111\]  min [\d.]+  max [\d.]+  mean [\d.]+  std [\d.]+\n/);
  assert.match(r.stdout, 'max abs diff 0.25');
});

test('diff needs two backends', () => {
  const r = onnxTs(['diff', SQUEEZENET, '--backends', 'cpu-ref']);
  assert.is(r.status, 2);
  assert.match(r.stderr, 'onnx-ts: diff compares two backends, got cpu-ref');
});

test.run();
