/** `onnx-ts inspect`, through the built binary: its report checked against the model read independently. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, buildModel, saveModel, type Graph } from '@onnx-ts/core';
import { LIGHT, NODE_TESTS, jsonOf, onnxTs, readModel, tempDir } from './helpers.js';

/** Op counts of a graph and its subgraphs, counted here without the CLI's code. */
function countOps(graph: Graph, into = new Map<string, number>()): Map<string, number> {
  for (const node of graph.nodes) {
    into.set(node.opType, (into.get(node.opType) ?? 0) + 1);
    for (const a of node.attributes) if (a.type === 'graph') countOps(a.value as Graph, into);
  }
  return into;
}

test('inspect --json: versions, inputs and the op histogram of a light model', () => {
  const path = join(LIGHT, 'light_inception_v1.onnx');
  const r = onnxTs(['inspect', path, '--json', '--backend', 'cpu-ref']);
  assert.is(r.status, 0, r.stderr);
  const report = jsonOf(r);
  const model = readModel(path);
  assert.equal(report.ops, Object.fromEntries(countOps(model.graph)));
  assert.is(report.nodes, model.graph.nodes.length);
  assert.is(report.irVersion, model.irVersion);
  assert.equal(report.opsets, { 'ai.onnx': model.opsetImports.get('ai.onnx') });
  assert.equal(report.inputs, [{ name: 'data_0', type: 'float32 [1, 3, 224, 224]' }]);
  assert.is(report.placement.nodes.length, model.graph.nodes.length);
  assert.equal(report.placement.byBackend, { 'cpu-ref': model.graph.nodes.length });
});

test('inspect counts subgraph nodes and places control flow on core', () => {
  const path = join(NODE_TESTS, 'test_loop11', 'model.onnx');
  const r = onnxTs(['inspect', path, '--json']);
  assert.is(r.status, 0, r.stderr);
  const report = jsonOf(r);
  const counted = countOps(readModel(path).graph);
  assert.equal(report.ops, Object.fromEntries(counted));
  assert.is(report.nodes, [...counted.values()].reduce((a, b) => a + b, 0));
  assert.is(report.placement.nodes.find((p: { opType: string }) => p.opType === 'Loop').backend, 'core');
  // The body's two Constant nodes hold one scalar and a 5-element float tensor (see the ONNX Loop example).
  assert.equal(report.parameters.constants, { tensors: 2, elements: 6, bytes: 28 });
});

test('inspect text: parameters of the demo model, worked out from its layer shapes', () => {
  const dir = tempDir();
  const model = join(dir, 'demo.onnx');
  assert.is(onnxTs(['demo', '--save', model]).status, 0);
  const r = onnxTs(['inspect', model, '--backend', 'cpu-ref']);
  assert.is(r.status, 0, r.stderr);
  // conv1 8x3x3x3 + 8, conv2 16x8x3x3 + 16, fc 10x16 + 10
  const params = 8 * 3 * 3 * 3 + 8 + 16 * 8 * 3 * 3 + 16 + 10 * 16 + 10;
  assert.match(r.stdout, `parameters: ${params.toLocaleString('en-US')} in 6 initializers (${((params * 4) / 1024).toFixed(1)} KiB)`);
  assert.match(r.stdout, 'inputs:\n  image: float32 [1, 3, 16, 16]');
  assert.match(r.stdout, /Conv +2 +cpu-ref/);
  assert.match(r.stdout, /Softmax +1 +cpu-ref/);
  assert.match(r.stdout, 'placement with cpu-ref (nodes per backend): cpu-ref 9');
});

test('inspect shows symbolic dims and non-tensor types', () => {
  const path = join(NODE_TESTS, 'test_sequence_map_add_1_sequence_1_tensor', 'model.onnx');
  const r = onnxTs(['inspect', path]);
  assert.is(r.status, 0, r.stderr);
  // The model declares x0 as a sequence of float tensors of length 'N', and x1 as one such tensor.
  assert.match(r.stdout, 'x0: sequence<float32 [N]>');
  assert.match(r.stdout, 'x1: float32 [N]');
  assert.match(r.stdout, /SequenceMap +1 +cpu-ref/);
});

test('inspect still reports a model no backend can run, and says why placement failed', () => {
  const g = new GraphBuilder('custom');
  g.input('x', 'float32', [2]);
  g.node('Frobnicate', ['x'], {}, { outputs: ['y'], domain: 'com.example' });
  g.output('y', 'float32', [2]);
  const path = join(tempDir(), 'custom.onnx');
  writeFileSync(path, saveModel(buildModel(g.build(), { 'ai.onnx': 21, 'com.example': 1 })));
  const r = onnxTs(['inspect', path, '--backend', 'cpu-ref']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /com\.example\.Frobnicate +1 +-\n/);
  assert.match(r.stdout, "placement: none, the session cannot be created: Frobnicate node 'Frobnicate_0': no backend (cpu-ref) implements com.example.Frobnicate at opset 1");
});

test.run();
