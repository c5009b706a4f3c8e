import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, Tensor, buildModel, saveModel } from '@onnx-ts/core';
import { convertToFloat16, cosine } from '../src/index.js';
import { assertChecked, cnnInput, maxRelativeDiff, mlpInput, randomTensor, runOrt, runRef, smallCnn, smallMlp } from './helpers.js';

test('fp16: weights and compute in float16, inputs and outputs still float32, outputs close in both runtimes', async () => {
  for (const [model, feeds] of [[smallCnn(), cnnInput()], [smallMlp(), mlpInput()]] as const) {
    const { model: half, report } = convertToFloat16(model);
    assertChecked(half);
    assert.is(half.graph.inputs[0].type?.kind === 'tensor' && half.graph.inputs[0].type.elemType, 'float32');
    assert.ok([...half.graph.initializers.values()].every((t) => t.type === 'float16'));
    assert.is(report.keptNodes.length, 0);
    assert.ok(saveModel(half).length < 0.6 * saveModel(model).length);
    const expected = (await runOrt(model, feeds)).y.data;
    const ort = await runOrt(half, feeds);
    assert.is(ort.y.type, 'float32');
    assert.ok(cosine(ort.y.data, expected) > 0.9999);
    assert.ok(maxRelativeDiff(ort.y.data, expected, 0.05) < 0.02);
    const ours = (await runRef(half, feeds)).y;
    assert.is(ours.type, 'float32');
    assert.ok(cosine(ours.data as Float32Array, expected) > 0.9999);
  }
});

test('fp16 block list: blocked ops stay float32 between Casts; Range is blocked by default', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [2, 8]);
  g.initializer('w', randomTensor([8, 8], 1));
  g.initializer('start', new Tensor('float32', [0], []));
  g.initializer('limit', new Tensor('float32', [8], []));
  g.initializer('delta', new Tensor('float32', [1], []));
  const ramp = g.op('Range', ['start', 'limit', 'delta']);
  const soft = g.op('Softmax', [g.op('MatMul', ['x', 'w'])], { axis: -1 });
  g.node('Add', [g.op('Relu', [soft]), ramp], {}, { outputs: ['y'] });
  g.output('y', 'float32');
  const model = buildModel(g.build());
  const { model: half, report } = convertToFloat16(model, { blockOps: ['Softmax'] });
  assertChecked(half);
  assert.equal(report.keptNodes.map((k) => k.reason).sort(), ['Range is on the block list', 'Softmax is on the block list']);
  const softmax = half.graph.nodes.find((n) => n.opType === 'Softmax')!;
  const producers = new Map(half.graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  assert.is(producers.get(softmax.inputs[0])?.opType, 'Cast');
  const feeds = { x: randomTensor([2, 8], 2) };
  const expected = (await runRef(model, feeds)).y.data as Float32Array;
  const got = (await runOrt(half, feeds)).y.data;
  assert.ok(maxRelativeDiff(got, expected, 0.05) < 0.01);
});

test.run();
