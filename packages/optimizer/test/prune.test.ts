import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, Tensor, buildModel, saveModel, type Model } from '@onnx-ts/core';
import { prune } from '../src/index.js';
import { assertChecked, cnnInput, maxRelativeDiff, positiveTensor, randomTensor, runOrt, runRef, smallCnn, smallMlp } from './helpers.js';

function zeros(t: Tensor): number {
  return (t.data as Float32Array).filter((v) => v === 0).length;
}

test('unstructured, per layer: each weight reaches the target sparsity exactly; the smallest magnitudes go', async () => {
  const model = smallCnn();
  const { model: out, report } = prune(model, { sparsity: 0.5 });
  assertChecked(out);
  assert.is(report.tensors.length, 3);
  for (const t of report.tensors) assert.is(t.zeros, Math.round(t.elements * 0.5));
  assert.ok(Math.abs(report.achievedSparsity - 0.5) < 0.01);
  // Every kept weight is at least as large as every pruned one, per tensor.
  for (const t of report.tensors) {
    const node = out.graph.nodes.find((n) => (n.name || n.outputs[0]) === t.node)!;
    const pruned = out.graph.initializers.get(node.inputs[1])!;
    assert.is(zeros(pruned), t.zeros);
  }
  await runOrt(out, cnnInput());
});

test('unstructured, global: one threshold over all weights, overall sparsity on target, layers differ', () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [1, 8]);
  g.initializer('big', randomTensor([8, 8], 1, 10));
  g.initializer('small', randomTensor([8, 8], 2, 0.1));
  g.node('MatMul', [g.op('MatMul', ['x', 'big']), 'small'], {}, { outputs: ['y'] });
  g.output('y', 'float32');
  const { report } = prune(buildModel(g.build()), { sparsity: 0.5, global: true });
  assert.ok(Math.abs(report.achievedSparsity - 0.5) < 0.02);
  const [big, small] = report.tensors;
  assert.ok(small.sparsity > 0.9 && big.sparsity < 0.1, `${big.sparsity} / ${small.sparsity}`);
});

/** Conv(3→8) + Relu + BN, Conv(8→4) + Relu, GlobalAveragePool, Flatten, Gemm(4→2); channels 1 and 6 of the first Conv are zero. */
function cnnWithDeadChannels(): Model {
  const w1 = randomTensor([8, 3, 3, 3], 1);
  const w1d = w1.data as Float32Array;
  for (const c of [1, 6]) w1d.fill(0, c * 27, (c + 1) * 27);
  const g = new GraphBuilder();
  g.input('x', 'float32', [1, 3, 8, 8]);
  g.initializer('w1', w1);
  g.initializer('s', positiveTensor([8], 2));
  g.initializer('b', new Tensor('float32', new Float32Array(8)));
  g.initializer('m', new Tensor('float32', new Float32Array(8)));
  g.initializer('v', positiveTensor([8], 3));
  g.initializer('w2', randomTensor([4, 8, 3, 3], 4));
  g.initializer('fc', randomTensor([2, 4], 5));
  // BatchNormalization after the Relu (pre-activation order), so it is not folded into the Conv.
  const r1 = g.op('BatchNormalization', [g.op('Relu', [g.op('Conv', ['x', 'w1'], { pads: [1, 1, 1, 1] })]), 's', 'b', 'm', 'v']);
  const [c2] = g.node('Conv', [r1, 'w2'], { pads: [1, 1, 1, 1] }, { name: 'conv2' });
  const r2 = g.op('Relu', [c2]);
  g.node('Gemm', [g.op('Flatten', [g.op('GlobalAveragePool', [r2])]), 'fc'], { transB: 1 }, { outputs: ['y'] });
  g.output('y', 'float32', [1, 2]);
  return buildModel(g.build());
}

test('structured: the lowest-norm Conv channels go, BatchNormalization and next Conv rewritten; zero channels change nothing', async () => {
  const model = cnnWithDeadChannels();
  // conv2's channels all carry weight; it is left alone so the outputs can be compared.
  const { model: out, report } = prune(model, { sparsity: 0.25, structured: true, excludeNodes: ['conv2'] });
  assertChecked(out);
  assert.is(report.tensors.length, 1);
  const first = report.tensors[0];
  assert.equal([first.channelsBefore, first.channelsAfter], [8, 6]);
  assert.ok(report.parametersAfter < report.parametersBefore);
  const conv1 = out.graph.nodes.find((n) => n.opType === 'Conv')!;
  assert.equal([...out.graph.initializers.get(conv1.inputs[1])!.dims], [6, 3, 3, 3]);
  const bn = out.graph.nodes.find((n) => n.opType === 'BatchNormalization')!;
  for (const p of bn.inputs.slice(1)) assert.equal([...out.graph.initializers.get(p)!.dims], [6]);
  const conv2 = out.graph.nodes.find((n) => n.name === 'conv2')!;
  assert.equal([...out.graph.initializers.get(conv2.inputs[1])!.dims], [4, 6, 3, 3]);
  // Channels 1 and 6 were all zero (BN maps 0 to 0 here): removing them leaves the outputs as they were.
  const feeds = { x: randomTensor([1, 3, 8, 8], 9) };
  const before = (await runRef(model, feeds)).y.data as Float32Array;
  const after = (await runRef(out, feeds)).y.data as Float32Array;
  assert.ok(maxRelativeDiff(after, before) <= 1e-4);
  const ort = (await runOrt(out, feeds)).y.data;
  assert.ok(maxRelativeDiff(ort, before) <= 1e-4);
  assert.ok(saveModel(out).length < saveModel(model).length);
});

test('structured: MatMul columns with their bias and the next MatMul rows; output layers are skipped', async () => {
  const model = smallMlp();
  const { model: out, report } = prune(model, { sparsity: 0.5, structured: true });
  assertChecked(out);
  assert.equal([report.tensors[0].channelsBefore, report.tensors[0].channelsAfter], [128, 64]);
  assert.ok(report.skipped.some((s) => /graph output/.test(s.reason)));
  const y = (await runOrt(out, { x: randomTensor([4, 64], 3) })).y;
  assert.equal(y.dims, [4, 32]);
});

test('structured pruning stops where a reader cannot be rewritten (residual Add)', () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [1, 4, 4, 4]);
  g.initializer('w', randomTensor([4, 4, 1, 1], 1));
  g.node('Add', [g.op('Conv', ['x', 'w']), 'x'], {}, { outputs: ['y'] });
  g.output('y', 'float32');
  const { report } = prune(buildModel(g.build()), { sparsity: 0.5, structured: true });
  assert.is(report.tensors.length, 0);
  assert.match(report.skipped[0].reason, /Add '.*' combines it with a non-constant/);
});

test('bad sparsity and --global with --structured are errors', () => {
  assert.throws(() => prune(smallMlp(), { sparsity: 1 }), /sparsity must be in \[0, 1\)/);
  assert.throws(() => prune(smallMlp(), { sparsity: 0.5, structured: true, global: true }), /--global applies to unstructured/);
});

test.run();
