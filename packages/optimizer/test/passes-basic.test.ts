/** The basic passes, one graph each: what they rewrite, what they must leave alone, and unchanged outputs. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, Tensor, buildModel, type Model } from '@onnx-ts/core';
import { optimizeModel } from '../src/index.js';
import { assertChecked, maxRelativeDiff, opCounts, randomTensor, runOrt, runRef } from './helpers.js';

const i64 = (values: number[]): Tensor => new Tensor('int64', BigInt64Array.from(values, BigInt), [values.length]);

/** Optimized output equals the original's (reference backend and onnxruntime) within 1e-4 relative. */
async function assertSameOutputs(before: Model, after: Model, feeds: Record<string, Tensor>): Promise<void> {
  assertChecked(after);
  const a = await runRef(before, feeds);
  const b = await runRef(after, feeds);
  for (const name of Object.keys(a)) assert.ok(maxRelativeDiff(b[name].data as Float32Array, a[name].data as Float32Array) <= 1e-4, `${name} differs`);
  const ort = await runOrt(after, feeds);
  for (const name of Object.keys(a)) assert.ok(maxRelativeDiff(ort[name].data, a[name].data as Float32Array) <= 1e-4, `${name} differs in onnxruntime`);
}

test('constant folding: constant subgraphs become initializers; graph inputs are not constants', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [4]);
  g.initializer('a', new Tensor('float32', [1, 2, 3, 4]));
  g.initializer('b', new Tensor('float32', [10, 20, 30, 40]));
  const sum = g.op('Add', ['a', 'b']);
  const scaled = g.op('Mul', [sum, g.op('Constant', [], { value: new Tensor('float32', [0.5]) })]);
  g.node('Add', ['x', scaled], {}, { outputs: ['y'] });
  g.output('y', 'float32', [4]);
  const model = buildModel(g.build());
  const { model: out, report } = optimizeModel(model, { level: 'basic' });
  assert.equal(opCounts(out), { Add: 1 });
  assert.ok(report.rewrites['constant-folding'] >= 3);
  const folded = out.graph.initializers.get(out.graph.nodes[0].inputs[1])!;
  assert.equal(Array.from(folded.data as Float32Array), [5.5, 11, 16.5, 22]);
  await assertSameOutputs(model, out, { x: new Tensor('float32', [1, 1, 1, 1]) });
});

test('constant folding: size cap, random ops and constant graph outputs', () => {
  const g = new GraphBuilder();
  g.initializer('shape', i64([1024, 1024]));
  g.initializer('small', i64([2]));
  g.node('ConstantOfShape', ['shape'], { value: new Tensor('float32', [1]) }, { outputs: ['big'] });
  g.node('RandomNormal', [], { shape: [2] }, { outputs: ['noise'] });
  g.node('ConstantOfShape', ['small'], { value: new Tensor('float32', [3]) }, { outputs: ['y'] });
  g.output('big', 'float32');
  g.output('noise', 'float32');
  g.output('y', 'float32');
  const { model: out } = optimizeModel(buildModel(g.build()), { level: 'basic', maxFoldBytes: 1 << 20 });
  const ops = out.graph.nodes.map((n) => n.opType).sort();
  // 4 MiB ConstantOfShape stays; RandomNormal stays; the small one folds into a Constant node (it is an output).
  assert.equal(ops, ['Constant', 'ConstantOfShape', 'RandomNormal']);
  const constant = out.graph.nodes.find((n) => n.opType === 'Constant')!;
  assert.equal(constant.outputs, ['y']);
  assertChecked(out);
});

test('shape folding: Shape → Gather/Slice on static dims fold even when the batch dim is symbolic', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', ['N', 3, 4, 4]);
  g.initializer('one', i64([1]));
  g.initializer('two', i64([2]));
  g.initializer('end', i64([4]));
  g.initializer('zero', i64([0]));
  const shape = g.op('Shape', ['x']);
  const tail = g.op('Slice', [shape, 'two', 'end']);
  const area = g.op('ReduceProd', [tail], { keepdims: 1 });
  const channels = g.op('Gather', [shape, 'one']);
  const batch = g.op('Gather', [shape, 'zero']);
  const target = g.op('Concat', [batch, channels, area], { axis: 0 });
  g.node('Reshape', ['x', target], {}, { outputs: ['y'] });
  g.output('y', 'float32');
  const model = buildModel(g.build());
  const { model: out, report } = optimizeModel(model, { level: 'basic' });
  assert.ok(report.rewrites['shape-folding'] >= 2, JSON.stringify(report.rewrites));
  // The batch dim is only known at run time: Shape → Gather(0) → Concat stays; channels and area are constants.
  const ops = opCounts(out);
  assert.is(ops.Slice, undefined);
  assert.is(ops.ReduceProd, undefined);
  assert.is(ops.Gather, 1);
  const feeds = { x: randomTensor([2, 3, 4, 4], 1) };
  await assertSameOutputs(model, out, feeds);
  const y = (await runRef(out, feeds)).y;
  assert.equal([...y.dims], [2, 3, 16]);
});

test('dead-code elimination: unused nodes and initializers go, graph inputs stay', () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [2]);
  g.input('unused_input', 'float32', [2]);
  g.initializer('w', new Tensor('float32', [1, 2]));
  g.op('Relu', [g.op('Add', ['x', 'w'])]);
  g.node('Neg', ['x'], {}, { outputs: ['y'] });
  g.output('y', 'float32', [2]);
  const { model: out } = optimizeModel(buildModel(g.build()), { level: 'basic' });
  assert.equal(opCounts(out), { Neg: 1 });
  assert.is(out.graph.initializers.size, 0);
  assert.equal(out.graph.inputs.map((v) => v.name), ['x', 'unused_input']);
});

test('no-op elimination: Identity, inference Dropout, same-type Cast, same-shape Reshape; outputs keep their names', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [2, 3]);
  g.initializer('same', i64([2, 3]));
  g.initializer('other', i64([3, 2]));
  const a = g.op('Identity', ['x']);
  const b = g.op('Dropout', [g.op('Relu', [a])]);
  const c = g.op('Cast', [b], { to: 1 });
  const d = g.op('Reshape', [c, 'same']);
  const e = g.op('Reshape', [d, 'other']);
  g.node('Identity', [e], {}, { outputs: ['y'] });
  g.node('Identity', ['x'], {}, { outputs: ['passthrough'] });
  g.output('y', 'float32', [3, 2]);
  g.output('passthrough', 'float32', [2, 3]);
  const model = buildModel(g.build());
  const { model: out } = optimizeModel(model, { level: 'basic' });
  // The real Reshape stays and now writes 'y'; an input passed straight to an output needs its Identity.
  assert.equal(opCounts(out), { Relu: 1, Reshape: 1, Identity: 1 });
  assert.ok(out.graph.nodes.some((n) => n.opType === 'Reshape' && n.outputs[0] === 'y'));
  await assertSameOutputs(model, out, { x: randomTensor([2, 3], 2) });
});

test('no-op elimination: Dropout in training mode and a used mask are kept', () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [4]);
  g.initializer('ratio', new Tensor('float32', [0.5], []));
  g.initializer('training', new Tensor('bool', new Uint8Array([1]), []));
  g.node('Dropout', ['x', 'ratio', 'training'], {}, { outputs: ['y'] });
  g.node('Dropout', ['x'], {}, { outputs: ['z', 'mask'] });
  g.output('y', 'float32');
  g.output('mask', 'bool');
  const { model: out } = optimizeModel(buildModel(g.build()), { level: 'basic' });
  assert.equal(opCounts(out), { Dropout: 2 });
});

test('common-subexpression elimination: equal nodes and equal constants merge', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [4]);
  g.initializer('k1', new Tensor('float32', [1, 2, 3, 4]));
  g.initializer('k2', new Tensor('float32', [1, 2, 3, 4]));
  const a = g.op('Mul', ['x', 'k1']);
  const b = g.op('Mul', ['x', 'k2']);
  const ra = g.op('LeakyRelu', [a], { alpha: 0.2 });
  const rb = g.op('LeakyRelu', [b], { alpha: 0.2 });
  const rc = g.op('LeakyRelu', [b], { alpha: 0.3 });
  g.node('Sum', [ra, rb, rc], {}, { outputs: ['y'] });
  g.output('y', 'float32', [4]);
  const model = buildModel(g.build());
  const { model: out } = optimizeModel(model, { level: 'basic' });
  assert.equal(opCounts(out), { Mul: 1, LeakyRelu: 2, Sum: 1 });
  assert.is(out.graph.initializers.size, 1);
  await assertSameOutputs(model, out, { x: new Tensor('float32', [-1, 2, -3, 4]) });
});

test('transpose cancellation: inverse pairs vanish, other pairs compose into one', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [2, 3, 4]);
  const t1 = g.op('Transpose', ['x'], { perm: [1, 2, 0] });
  const back = g.op('Transpose', [t1], { perm: [2, 0, 1] });
  const t2 = g.op('Transpose', [back], { perm: [0, 2, 1] });
  g.node('Transpose', [t2], { perm: [2, 1, 0] }, { outputs: ['y'] });
  g.output('y', 'float32');
  const model = buildModel(g.build());
  const { model: out } = optimizeModel(model, { level: 'basic' });
  assert.equal(opCounts(out), { Transpose: 1 });
  // [0,2,1] then [2,1,0]: output axis i takes input axis p1[p2[i]] = [1, 2, 0].
  assert.equal(out.graph.nodes[0].attributes.find((a) => a.name === 'perm')?.value, [1, 2, 0]);
  await assertSameOutputs(model, out, { x: randomTensor([2, 3, 4], 3) });
});

test('basic level leaves fusions alone; the input model is not modified', () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [1, 2, 4, 4]);
  g.initializer('w', randomTensor([2, 2, 1, 1], 4));
  g.initializer('s', new Tensor('float32', [2, 3]));
  g.initializer('b', new Tensor('float32', [0, 0]));
  g.initializer('m', new Tensor('float32', [0, 0]));
  g.initializer('v', new Tensor('float32', [1, 1]));
  g.node('BatchNormalization', [g.op('Conv', ['x', 'w']), 's', 'b', 'm', 'v'], {}, { outputs: ['y'] });
  g.output('y', 'float32');
  const model = buildModel(g.build());
  const before = JSON.stringify(model.graph.nodes);
  assert.equal(opCounts(optimizeModel(model, { level: 'basic' }).model), { Conv: 1, BatchNormalization: 1 });
  assert.equal(opCounts(optimizeModel(model).model), { Conv: 1 });
  assert.is(JSON.stringify(model.graph.nodes), before);
});

test('bad options give clear errors', () => {
  const model = buildModel(new GraphBuilder().build());
  assert.throws(() => optimizeModel(model, { level: 'max' as never }), /unknown level 'max'/);
  assert.throws(() => optimizeModel(model, { disable: ['nope'] }), /unknown pass 'nope'/);
});

test.run();
