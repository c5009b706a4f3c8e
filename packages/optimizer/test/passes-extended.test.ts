/** The extended passes: folding into Conv, MatMul + Add → Gemm, pattern fusions into standard ops, fused activations. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FloatAttr, GraphBuilder, InferenceSession, Tensor, buildModel, type Model } from '@onnx-ts/core';
import { checkModel, optimizeModel } from '../src/index.js';
import { assertChecked, maxRelativeDiff, opCounts, positiveTensor, randomTensor, runOrt, runRef, smallCnn, cnnInput } from './helpers.js';

async function assertSameOutputs(before: Model, after: Model, feeds: Record<string, Tensor>, allowCustom = false): Promise<void> {
  assertChecked(after, allowCustom);
  const a = await runRef(before, feeds);
  const b = await runRef(after, feeds, allowCustom ? { executionProviders: ['cpu-ref', 'onnx-ts-fused'] } : {});
  for (const name of Object.keys(a)) assert.ok(maxRelativeDiff(b[name].data as Float32Array, a[name].data as Float32Array) <= 1e-4, `${name} differs: ${maxRelativeDiff(b[name].data as Float32Array, a[name].data as Float32Array)}`);
  if (allowCustom) return;
  const ort = await runOrt(after, feeds);
  for (const name of Object.keys(a)) assert.ok(maxRelativeDiff(ort[name].data, a[name].data as Float32Array) <= 1e-4, `${name} differs in onnxruntime`);
}

test('Conv + BatchNormalization folds into the Conv weights and bias', async () => {
  const model = smallCnn();
  const { model: out, report } = optimizeModel(model);
  assert.is(report.rewrites['conv-batchnorm-folding'], 1);
  assert.is(opCounts(out).BatchNormalization, undefined);
  assert.is(opCounts(out).Conv, 2);
  await assertSameOutputs(model, out, cnnInput());
});

test('Conv + per-channel Mul/Add/Sub/Div fold; a Mul varying along another axis does not', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [1, 3, 6, 6]);
  g.initializer('w', randomTensor([4, 3, 3, 3], 1));
  g.initializer('b', randomTensor([4], 2));
  g.initializer('scale', positiveTensor([4, 1, 1], 3));
  g.initializer('shift', randomTensor([1, 4, 1, 1], 4));
  g.initializer('div', positiveTensor([4, 1, 1], 5));
  g.initializer('sub', new Tensor('float32', [0.25], []));
  g.initializer('row', positiveTensor([4], 6));
  const c1 = g.op('Conv', ['x', 'w', 'b']);
  const y1 = g.op('Sub', [g.op('Div', [g.op('Add', [g.op('Mul', ['scale', c1]), 'shift']), 'div']), 'sub']);
  g.node('Identity', [y1], {}, { outputs: ['y'] });
  const c2 = g.op('Conv', ['x', 'w']);
  g.node('Mul', [c2, 'row'], {}, { outputs: ['z'] });
  g.output('y', 'float32');
  g.output('z', 'float32');
  const model = buildModel(g.build());
  const { model: out, report } = optimizeModel(model);
  assert.is(report.rewrites['conv-mul-add-folding'], 4);
  assert.equal(opCounts(out), { Conv: 2, Mul: 1 });
  await assertSameOutputs(model, out, { x: randomTensor([1, 3, 6, 6], 7) });
});

test('BatchNormalization + per-channel Mul/Add fold into the BatchNormalization (pre-activation blocks)', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [1, 4, 3, 3]);
  for (const [name, seed] of [['s', 1], ['m', 3]] as const) g.initializer(name, randomTensor([4], seed));
  g.initializer('b', randomTensor([4], 2));
  g.initializer('v', positiveTensor([4], 4));
  g.initializer('mul', randomTensor([4, 1, 1], 5));
  g.initializer('add', randomTensor([4, 1, 1], 6));
  const bn = g.op('BatchNormalization', ['x', 's', 'b', 'm', 'v']);
  g.node('Relu', [g.op('Add', [g.op('Mul', [bn, 'mul']), 'add'])], {}, { outputs: ['y'] });
  g.output('y', 'float32');
  const model = buildModel(g.build());
  const { model: out } = optimizeModel(model);
  assert.equal(opCounts(out), { BatchNormalization: 1, Relu: 1 });
  await assertSameOutputs(model, out, { x: randomTensor([1, 4, 3, 3], 8) });
});

test('MatMul + Add becomes Gemm only for 2-D operands and a bias that broadcasts without growing', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [3, 5]);
  g.input('x2', 'float32', [3, 5]);
  g.input('x3', 'float32', [2, 3, 5]);
  g.initializer('w', randomTensor([5, 4], 1));
  g.initializer('b', randomTensor([4], 2));
  g.initializer('big', randomTensor([2, 3, 4], 3));
  g.node('Add', [g.op('MatMul', ['x', 'w']), 'b'], {}, { outputs: ['y'] });
  g.node('Add', ['b', g.op('MatMul', ['x3', 'w'])], {}, { outputs: ['y3'] });
  g.node('Add', [g.op('MatMul', ['x2', 'w']), 'big'], {}, { outputs: ['grown'] });
  for (const o of ['y', 'y3', 'grown']) g.output(o, 'float32');
  const model = buildModel(g.build());
  const { model: out, report } = optimizeModel(model);
  assert.is(report.rewrites['matmul-add-to-gemm'], 1);
  assert.equal(opCounts(out), { Gemm: 1, MatMul: 2, Add: 2 });
  await assertSameOutputs(model, out, { x: randomTensor([3, 5], 4), x2: randomTensor([3, 5], 6), x3: randomTensor([2, 3, 5], 5) });
});

test('GELU (erf form, three association orders) becomes Gelu at opset 20, not before', async () => {
  const build = (opset: number): Model => {
    const g = new GraphBuilder();
    for (const x of ['x', 'x2', 'x3']) g.input(x, 'float32', [2, 8]);
    g.initializer('sqrt2', new Tensor('float32', [Math.SQRT2], []));
    g.initializer('inv_sqrt2', new Tensor('float32', [Math.SQRT1_2], []));
    g.initializer('one', new Tensor('float32', [1], []));
    g.initializer('half', new Tensor('float32', [0.5], []));
    const erfA = g.op('Add', [g.op('Erf', [g.op('Div', ['x', 'sqrt2'])]), 'one']);
    g.node('Mul', [g.op('Mul', ['x', erfA]), 'half'], {}, { outputs: ['a'] });
    const erfB = g.op('Add', ['one', g.op('Erf', [g.op('Mul', ['x2', 'inv_sqrt2'])])]);
    g.node('Mul', [g.op('Mul', ['x2', 'half']), erfB], {}, { outputs: ['b'] });
    const erfC = g.op('Add', [g.op('Erf', [g.op('Div', ['x3', 'sqrt2'])]), 'one']);
    g.node('Mul', ['x3', g.op('Mul', [erfC, 'half'])], {}, { outputs: ['c'] });
    for (const o of ['a', 'b', 'c']) g.output(o, 'float32');
    return buildModel(g.build(), { 'ai.onnx': opset });
  };
  const model = build(20);
  const { model: out } = optimizeModel(model);
  assert.equal(opCounts(out), { Gelu: 3 });
  await assertSameOutputs(model, out, { x: randomTensor([2, 8], 1, 2), x2: randomTensor([2, 8], 2, 2), x3: randomTensor([2, 8], 3, 2) });
  assert.is(opCounts(optimizeModel(build(18)).model).Gelu, undefined);
});

/** Two decomposed tanh GELUs: a = Pow cube, (x·(1+t))·0.5; b = x·x·x cube, (x·0.5)·(1+t), operands swapped. */
function tanhGeluModel(opset: number, cubic = 0.044715): Model {
  const g = new GraphBuilder();
  for (const x of ['x', 'x2']) g.input(x, 'float32', [2, 8]);
  g.initializer('three', new Tensor('float32', [3], []));
  g.initializer('c', new Tensor('float32', [cubic], []));
  g.initializer('k', new Tensor('float32', [Math.sqrt(2 / Math.PI)], []));
  g.initializer('one', new Tensor('float32', [1], []));
  g.initializer('half', new Tensor('float32', [0.5], []));
  const tanhA = g.op('Tanh', [g.op('Mul', [g.op('Add', ['x', g.op('Mul', [g.op('Pow', ['x', 'three']), 'c'])]), 'k'])]);
  g.node('Mul', [g.op('Mul', ['x', g.op('Add', [tanhA, 'one'])]), 'half'], {}, { outputs: ['a'] });
  const cube = g.op('Mul', [g.op('Mul', ['x2', 'x2']), 'x2']);
  const tanhB = g.op('Tanh', [g.op('Mul', ['k', g.op('Add', [g.op('Mul', ['c', cube]), 'x2'])])]);
  g.node('Mul', [g.op('Mul', ['x2', 'half']), g.op('Add', ['one', tanhB])], {}, { outputs: ['b'] });
  for (const o of ['a', 'b']) g.output(o, 'float32');
  return buildModel(g.build(), { 'ai.onnx': opset });
}

test("GELU tanh approximation (Pow or x·x·x cube) becomes Gelu approximate='tanh' at opset 20, not before", async () => {
  const model = tanhGeluModel(20);
  const { model: out } = optimizeModel(model);
  assert.equal(opCounts(out), { Gelu: 2 });
  for (const n of out.graph.nodes) assert.equal(n.attributes.map((a) => [a.name, a.value]), [['approximate', 'tanh']]);
  // Below x ≈ -3 the decomposed form loses its digits to 1 + tanh(…) ≈ 0 in float32, so the inputs stay within ±2.5.
  await assertSameOutputs(model, out, { x: positiveTensor([2, 8], 1, -2.5, 2.5), x2: positiveTensor([2, 8], 2, -2.5, 2.5) });
  assert.is(opCounts(optimizeModel(tanhGeluModel(18)).model).Gelu, undefined);
});

test('a tanh expression with another cubic coefficient (0.05 instead of 0.044715) is not taken for GELU', () => {
  assert.is(opCounts(optimizeModel(tanhGeluModel(20, 0.05)).model).Gelu, undefined);
});

test('LayerNormalization pattern (ReduceMean, Sub, Pow, Sqrt, Div, scale, bias) becomes LayerNormalization', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [2, 3, 16]);
  g.initializer('axes', new Tensor('int64', BigInt64Array.from([-1n]), [1]));
  g.initializer('two', new Tensor('float32', [2], []));
  g.initializer('eps', new Tensor('float32', [1e-5], []));
  g.initializer('gamma', randomTensor([16], 1));
  g.initializer('beta', randomTensor([16], 2));
  const mean = g.op('ReduceMean', ['x', 'axes']);
  const d = g.op('Sub', ['x', mean]);
  const variance = g.op('ReduceMean', [g.op('Pow', [d, 'two']), 'axes']);
  const norm = g.op('Div', [d, g.op('Sqrt', [g.op('Add', [variance, 'eps'])])]);
  g.node('Add', [g.op('Mul', [norm, 'gamma']), 'beta'], {}, { outputs: ['y'] });
  g.output('y', 'float32');
  const model = buildModel(g.build(), { 'ai.onnx': 18 });
  const { model: out } = optimizeModel(model);
  assert.equal(opCounts(out), { LayerNormalization: 1 });
  await assertSameOutputs(model, out, { x: randomTensor([2, 3, 16], 3, 3) });
});

test('RMSNorm pattern becomes RMSNormalization at opset 23', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [2, 32]);
  g.initializer('axes', new Tensor('int64', BigInt64Array.from([1n]), [1]));
  g.initializer('eps', new Tensor('float32', [1e-6], []));
  g.initializer('gamma', randomTensor([32], 1));
  const ms = g.op('ReduceMean', [g.op('Mul', ['x', 'x']), 'axes']);
  const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [ms, 'eps'])])]);
  g.node('Mul', [g.op('Mul', ['x', inv]), 'gamma'], {}, { outputs: ['y'] });
  g.output('y', 'float32');
  const model = buildModel(g.build(), { 'ai.onnx': 23 });
  const { model: out } = optimizeModel(model);
  assert.equal(opCounts(out), { RMSNormalization: 1 });
  await assertSameOutputs(model, out, { x: randomTensor([2, 32], 2) });
});

test('scaled dot-product attention with an additive mask becomes Attention at opset 23', async () => {
  const g = new GraphBuilder();
  for (const name of ['q', 'k', 'v']) g.input(name, 'float32', [1, 2, 5, 8]);
  g.input('mask', 'float32', [1, 1, 5, 5]);
  g.initializer('d', new Tensor('float32', [Math.sqrt(8)], []));
  const scores = g.op('Div', [g.op('MatMul', ['q', g.op('Transpose', ['k'], { perm: [0, 1, 3, 2] })]), 'd']);
  const probs = g.op('Softmax', [g.op('Add', [scores, 'mask'])], { axis: -1 });
  g.node('MatMul', [probs, 'v'], {}, { outputs: ['y'] });
  g.output('y', 'float32');
  const model = buildModel(g.build(), { 'ai.onnx': 23 });
  const { model: out } = optimizeModel(model);
  assert.equal(opCounts(out), { Attention: 1 });
  const feeds = { q: randomTensor([1, 2, 5, 8], 1), k: randomTensor([1, 2, 5, 8], 2), v: randomTensor([1, 2, 5, 8], 3), mask: randomTensor([1, 1, 5, 5], 4) };
  await assertSameOutputs(model, out, feeds);
});

test('activation fusion: only with allowCustom, into com.onnx-ts ops the fused backend runs', async () => {
  const g = new GraphBuilder();
  // Distinct inputs per branch, so common-subexpression elimination leaves each base node one reader.
  for (const x of ['x1', 'x2', 'x3']) g.input(x, 'float32', [1, 3, 6, 6]);
  for (const m of ['m1', 'm2', 'm3', 'm4']) g.input(m, 'float32', [4, 6]);
  g.initializer('w', randomTensor([4, 3, 3, 3], 1));
  g.initializer('fc', randomTensor([6, 5], 2));
  g.initializer('fc_b', randomTensor([5], 3));
  g.initializer('lo', new Tensor('float32', [-0.5], []));
  g.initializer('hi', new Tensor('float32', [0.5], []));
  g.node('Relu', [g.op('Conv', ['x1', 'w'])], {}, { outputs: ['a'] });
  g.node('LeakyRelu', [g.op('Conv', ['x2', 'w'], { pads: [1, 1, 1, 1] })], { alpha: 0.1 }, { outputs: ['b'] });
  g.node('HardSigmoid', [g.op('Gemm', ['m1', 'fc', 'fc_b'])], { alpha: 0.3, beta: new FloatAttr(0) }, { outputs: ['c'] });
  g.node('Clip', [g.op('MatMul', ['m2', 'fc']), 'lo', 'hi'], {}, { outputs: ['d'] });
  g.node('Sigmoid', [g.op('MatMul', ['m3', 'fc'])], {}, { outputs: ['e'] });
  g.node('Gelu', [g.op('MatMul', ['m4', 'fc'])], { approximate: 'tanh' }, { outputs: ['f'] });
  g.node('Tanh', [g.op('Conv', ['x3', 'w'])], {}, { outputs: ['t'] });
  for (const o of ['a', 'b', 'c', 'd', 'e', 'f', 't']) g.output(o, 'float32');
  const model = buildModel(g.build(), { 'ai.onnx': 20 });
  const standard = optimizeModel(model).model;
  assert.ok(standard.graph.nodes.every((n) => n.domain === 'ai.onnx'));
  const { model: fused, report } = optimizeModel(model, { allowCustom: true });
  assert.is(report.rewrites['activation-fusion'], 7, JSON.stringify(report.rewrites));
  assert.ok(fused.graph.nodes.every((n) => n.domain === 'com.onnx-ts'), JSON.stringify(opCounts(fused)));
  assert.is(fused.opsetImports.get('com.onnx-ts'), 1);
  assert.not.ok(checkModel(fused).ok);
  const feeds: Record<string, Tensor> = {};
  ['x1', 'x2', 'x3'].forEach((x, i) => { feeds[x] = randomTensor([1, 3, 6, 6], 10 + i); });
  ['m1', 'm2', 'm3', 'm4'].forEach((m, i) => { feeds[m] = randomTensor([4, 6], 20 + i, 3); });
  await assertSameOutputs(model, fused, feeds, true);
});

test('sessions: the registered optimizer runs extended by default, fused ops only with allowCustomOps', async () => {
  const model = smallCnn();
  const plain = await InferenceSession.create(model, { executionProviders: ['cpu-ref'] });
  assert.is(opCounts(plain.model).BatchNormalization, undefined);
  assert.ok(plain.model.graph.nodes.every((n) => n.domain === 'ai.onnx'));
  const off = await InferenceSession.create(model, { executionProviders: ['cpu-ref'], graphOptimizationLevel: 'disabled' });
  assert.is(off.model.graph.nodes.length, model.graph.nodes.length);
  // The fused backend must be reachable: every registered backend, or named among the providers.
  const onlyRef = await InferenceSession.create(model, { executionProviders: ['cpu-ref'], allowCustomOps: true });
  assert.ok(onlyRef.model.graph.nodes.every((n) => n.domain === 'ai.onnx'));
  const custom = await InferenceSession.create(model, { executionProviders: ['cpu-ref', 'onnx-ts-fused'], allowCustomOps: true });
  assert.ok(custom.placement.some((p) => p.backend === 'onnx-ts-fused' && p.opType === 'FusedConv'));
  const feeds = cnnInput();
  const expected = (await off.run(feeds)).y as Tensor;
  for (const s of [plain, custom]) {
    const got = (await s.run(feeds)).y as Tensor;
    assert.ok(maxRelativeDiff(got.data as Float32Array, expected.data as Float32Array) <= 1e-4);
  }
});

test.run();
