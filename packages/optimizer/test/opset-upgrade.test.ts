import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, buildModel } from '@onnx-ts/core';
import { upgradeOpset } from '../src/index.js';
import { assertChecked, maxRelativeDiff, randomTensor, runRef } from './helpers.js';

test('opset 9 → 13: attribute-to-input ops rewritten, old Softmax semantics kept, outputs unchanged', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [2, 3, 4]);
  const u = g.op('Unsqueeze', ['x'], { axes: [0] });
  const s = g.op('Squeeze', [u], { axes: [0] });
  const clipped = g.op('Clip', [s], { min: -0.5, max: 0.5 });
  // Before 13, Softmax(axis=1) on [2, 3, 4] normalizes over the 12 trailing values of each row.
  g.node('Softmax', [clipped], { axis: 1 }, { outputs: ['y'] });
  g.node('Softmax', [clipped], { axis: 2 }, { outputs: ['last'] });
  g.node('ReduceSum', ['x'], { axes: [1], keepdims: 0 }, { outputs: ['sum'] });
  for (const o of ['y', 'last', 'sum']) g.output(o, 'float32');
  const model = buildModel(g.build(), { 'ai.onnx': 9 }, 4);
  const up = upgradeOpset(model, 13);
  assert.is(up.opsetImports.get('ai.onnx'), 13);
  assert.is(up.irVersion, 7);
  assertChecked(up);
  assert.ok(up.graph.nodes.every((n) => !n.attributes.some((a) => a.name === 'axes' || a.name === 'min')));
  const feeds = { x: randomTensor([2, 3, 4], 1, 2) };
  const a = await runRef(model, feeds);
  const b = await runRef(up, feeds);
  for (const o of ['y', 'last', 'sum']) assert.ok(maxRelativeDiff(b[o].data as Float32Array, a[o].data as Float32Array) <= 1e-6, o);
  const rowSum = (b.y.data as Float32Array).slice(0, 12).reduce((p, q) => p + q, 0);
  assert.ok(Math.abs(rowSum - 1) < 1e-5);
});

test('ops without an upgrade path stop the upgrade, naming the op', () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [1, 1, 2, 2]);
  g.node('Upsample', ['x'], { scales: [1, 1, 2, 2] }, { outputs: ['y'], name: 'up' });
  g.output('y', 'float32');
  assert.throws(() => upgradeOpset(buildModel(g.build(), { 'ai.onnx': 8 }), 13), /no upgrade for Upsample node 'up'/);
});

test.run();
