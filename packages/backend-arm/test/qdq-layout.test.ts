/**
 * The QDQ format's float boundaries that 'arm' keeps on bytes: MaxPool of dequantized bytes, Concat and Conv whose
 * only reader is a QuantizeLinear. Against the reference backend on the same model, and — for Conv, whose epilogue
 * then quantizes directly — against the same model where a graph output keeps the float Conv result in between.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, Tensor, buildModel } from '@onnx-ts/core';
import { fastPathCounts } from '../src/index.js';
import { expectClose, randomBytes, randomFloats, rng, runOn, scalar } from './helpers.js';

/** Q → DQ of a float input with a random zero point of `type`. */
function quantized(g: GraphBuilder, next: () => number, input: string, scale: number, type: 'int8' | 'uint8'): string {
  const s = g.initializer(`${input}_scale`, scalar('float32', scale));
  const z = g.initializer(`${input}_zero`, randomBytes(next, type, []));
  return g.op('DequantizeLinear', [g.op('QuantizeLinear', [input, s, z]), s, z]);
}

/**
 * Ends the graph with QuantizeLinear → DequantizeLinear of `last` (scale 0.04), runs it on 'arm' and the
 * reference, and checks that each of `ops` ran once on the fast path and that the outputs are the same.
 */
async function sameAsReference(g: GraphBuilder, last: string, zero: Tensor, feeds: Record<string, Tensor>, ops: string[]): Promise<void> {
  const s = g.initializer('y_scale', scalar('float32', 0.04));
  const z = g.initializer('y_zero', zero);
  g.output(g.op('DequantizeLinear', [g.op('QuantizeLinear', [last, s, z]), s, z]));
  const model = buildModel(g.build(), { 'ai.onnx': 21 });
  const before = ops.map((op) => fastPathCounts().get(op) ?? 0);
  const arm = await runOn(model, feeds, 'arm');
  const ref = await runOn(model, feeds, 'cpu-ref');
  assert.equal(ops.map((op, i) => (fastPathCounts().get(op) ?? 0) - before[i]), ops.map(() => 1), `${ops} ran on bytes`);
  expectClose(arm.outputs[0], ref.outputs[0], `${ops.join(' → ')} → QuantizeLinear`);
}

for (const type of ['uint8', 'int8'] as const) {
  test(`${type} MaxPool (padded, strided) and Concat before a QuantizeLinear run on bytes, as the reference`, async () => {
    const next = rng(type === 'int8' ? 3 : 4);
    const g = new GraphBuilder('layout');
    // 75 columns: 38 outputs per row, interior ones 16 at a time and the rest one by one.
    g.input('a', 'float32', [1, 4, 9, 75]);
    g.input('b', 'float32', [1, 3, 5, 38]);
    const pooled = g.op('MaxPool', [g.op('Relu', [quantized(g, next, 'a', 0.02, type)])], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
    const joined = g.op('Concat', [pooled, quantized(g, next, 'b', 0.03, type)], { axis: 1 });
    const feeds = { a: randomFloats(next, [1, 4, 9, 75], -2, 2), b: randomFloats(next, [1, 3, 5, 38], -2, 2) };
    await sameAsReference(g, joined, randomBytes(next, type, []), feeds, ['MaxPool', 'Concat']);
  });
}

test('Concat → MaxPool → QuantizeLinear: the bytes are requantized before the max, as the reference', async () => {
  const next = rng(7);
  const g = new GraphBuilder('concat-pool');
  g.input('a', 'float32', [1, 2, 7, 40]);
  g.input('b', 'float32', [1, 3, 7, 40]);
  const joined = g.op('Concat', [g.op('Relu', [quantized(g, next, 'a', 0.02, 'uint8')]), quantized(g, next, 'b', 0.05, 'uint8')], { axis: 1 });
  // Stride 1 along the rows: 38 outputs, 16 at a time where they fit.
  const pooled = g.op('MaxPool', [joined], { kernel_shape: [3, 3], strides: [2, 1] });
  const feeds = { a: randomFloats(next, [1, 2, 7, 40], -2, 2), b: randomFloats(next, [1, 3, 7, 40], -2, 2) };
  await sameAsReference(g, pooled, scalar('uint8', 100), feeds, ['Concat', 'MaxPool']);
});

for (const op of ['Sum', 'Add'] as const) {
  test(`${op} of two dequantized tensors → Relu → QuantizeLinear: one pass on bytes, as the reference`, async () => {
    const next = rng(op === 'Sum' ? 8 : 9);
    const g = new GraphBuilder('residual');
    g.input('a', 'float32', [1, 3, 5, 7]);
    g.input('b', 'float32', [1, 3, 5, 7]);
    const total = g.op(op, [quantized(g, next, 'a', 0.02, 'uint8'), quantized(g, next, 'b', 0.03, 'int8')]);
    const feeds = { a: randomFloats(next, [1, 3, 5, 7], -2, 2), b: randomFloats(next, [1, 3, 5, 7], -2, 2) };
    await sameAsReference(g, g.op('Relu', [total]), scalar('int8', -5), feeds, [op, 'Relu']);
  });
}

test('Relu → Concat ← Conv, then QuantizeLinear: both parts quantized by their producers, as the reference', async () => {
  const next = rng(11);
  const g = new GraphBuilder('fire');
  g.input('a', 'float32', [1, 2, 6, 9]);
  g.input('x', 'float32', [1, 3, 6, 9]);
  const w = g.op('DequantizeLinear', [g.initializer('w', randomBytes(next, 'int8', [4, 3, 1, 1])), g.initializer('w_scale', scalar('float32', 0.01))]);
  const conv = g.op('Conv', [quantized(g, next, 'x', 0.02, 'uint8'), w]);
  const joined = g.op('Concat', [g.op('Relu', [quantized(g, next, 'a', 0.03, 'uint8')]), conv], { axis: 1 });
  const feeds = { a: randomFloats(next, [1, 2, 6, 9], -2, 2), x: randomFloats(next, [1, 3, 6, 9], -2, 2) };
  await sameAsReference(g, joined, scalar('uint8', 90), feeds, ['Relu', 'Conv', 'Concat']);
});

test('residual: Sum of a dequantized and a float tensor → Relu, read by a QuantizeLinear and an Add, as the reference', async () => {
  const next = rng(12);
  const g = new GraphBuilder('residual-float');
  const dims = [1, 3, 5, 7];
  for (const name of ['a', 'b', 'c']) g.input(name, 'float32', dims);
  const shortcut = g.op('Relu', [g.op('Sum', [quantized(g, next, 'a', 0.02, 'int8'), 'b'])]);
  const s = g.initializer('y_scale', scalar('float32', 0.04));
  const z = g.initializer('y_zero', scalar('uint8', 3));
  g.output(g.op('DequantizeLinear', [g.op('QuantizeLinear', [shortcut, s, z]), s, z]));
  g.output(g.op('Add', [quantized(g, next, 'c', 0.03, 'uint8'), shortcut]));
  const model = buildModel(g.build(), { 'ai.onnx': 21 });
  const feeds = Object.fromEntries(['a', 'b', 'c'].map((name) => [name, randomFloats(next, dims, -2, 2)]));
  // NaN, huge values and -0 in the float shortcut: Relu and QuantizeLinear of them as the separate ops give them.
  (feeds.b.data as Float32Array).set([NaN, 1e30, -1e30, -0], 0);
  const ops = ['Sum', 'Relu', 'Add'];
  const before = ops.map((op) => fastPathCounts().get(op) ?? 0);
  const arm = await runOn(model, feeds, 'arm', 2);
  const ref = await runOn(model, feeds, 'cpu-ref');
  assert.equal(ops.map((op, i) => (fastPathCounts().get(op) ?? 0) - before[i]), [2, 2, 2], `${ops} ran on the fast paths`);
  expectClose(arm.outputs[0], ref.outputs[0], 'QuantizeLinear of the shortcut');
  expectClose(arm.outputs[1], ref.outputs[1], 'the next residual');
});

test('Relu → QuantizeLinear of a dequantized tensor: one table on the bytes, as the reference', async () => {
  const next = rng(10);
  const g = new GraphBuilder('relu');
  g.input('a', 'float32', [2, 3, 11]);
  const feeds = { a: randomFloats(next, [2, 3, 11], -2, 2) };
  await sameAsReference(g, g.op('Relu', [quantized(g, next, 'a', 0.03, 'int8')]), scalar('uint8', 7), feeds, ['Relu']);
});

function convModel(next: () => number, keepFloat: boolean) {
  const g = new GraphBuilder('conv');
  g.input('x', 'float32', [1, 5, 12, 11]);
  const w = g.op('DequantizeLinear', [
    g.initializer('w', randomBytes(next, 'int8', [7, 5, 3, 3])),
    g.initializer('w_scale', new Tensor('float32', Array.from({ length: 7 }, () => 0.002 + 0.01 * next()), [7])),
    g.initializer('w_zero', new Tensor('int8', new Int8Array(7), [7])),
  ], { axis: 0 });
  const y = g.op('Conv', [quantized(g, next, 'x', 0.02, 'uint8'), w, g.initializer('bias', randomFloats(next, [7], -0.5, 0.5))], { pads: [1, 1, 1, 1], strides: [1, 2] });
  const s = g.initializer('y_scale', scalar('float32', 0.05));
  const z = g.initializer('y_zero', scalar('uint8', 120));
  g.output(g.op('DequantizeLinear', [g.op('QuantizeLinear', [y, s, z]), s, z]));
  if (keepFloat) g.output(y);
  return buildModel(g.build(), { 'ai.onnx': 21 });
}

test('Conv whose only reader is a QuantizeLinear quantizes in its epilogue: the bytes of the separate ops', async () => {
  const feeds = { x: randomFloats(rng(5), [1, 5, 12, 11], -1.5, 1.5) };
  const fused = await runOn(convModel(rng(6), false), feeds, 'arm', 2);
  const separate = await runOn(convModel(rng(6), true), feeds, 'arm', 2);
  expectClose(fused.outputs[0], separate.outputs[0], 'Conv → QuantizeLinear, fused and separate');
  const ref = await runOn(convModel(rng(6), false), feeds, 'cpu-ref');
  // One step (0.05) where the float sum sits on a rounding tie and the reference's sum order rounds it otherwise.
  expectClose(fused.outputs[0], ref.outputs[0], 'Conv → QuantizeLinear against the reference', 0.0501);
});

test.run();
