/**
 * QDQ models (DequantizeLinear → Conv/MatMul/Gemm → QuantizeLinear) on 'arm' against the reference backend: the
 * integer path must give the float result of the dequantized inputs (integer sums are exact, so only the final
 * float rounding differs), and after QuantizeLinear the same quantized values up to a rare tie flip of one step.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, Tensor, buildModel } from '@onnx-ts/core';
import { fastPathCounts } from '../src/index.js';
import { expectClose, randomBytes, randomFloats, randomInt, rng, runOn, scalar } from './helpers.js';

interface QdqOptions {
  op: 'Conv' | 'MatMul' | 'Gemm';
  xDims: number[];
  wDims: number[];
  /** Quantized axis of the weights, or undefined for a per-tensor scale. */
  wAxis?: number;
  bias?: number;
  attrs?: Record<string, number | number[] | string>;
  xType: 'int8' | 'uint8';
}

/** x → QuantizeLinear → DequantizeLinear → op(·, DequantizeLinear(w), bias) → QuantizeLinear → DequantizeLinear. */
function qdqModel(next: () => number, o: QdqOptions) {
  const g = new GraphBuilder('qdq');
  g.input('x', 'float32', o.xDims);
  const xScale = g.initializer('x_scale', scalar('float32', 0.02));
  const xZero = g.initializer('x_zero', randomBytes(next, o.xType, []));
  const xq = g.op('QuantizeLinear', ['x', xScale, xZero]);
  const xd = g.op('DequantizeLinear', [xq, xScale, xZero]);
  const channels = o.wAxis === undefined ? 1 : o.wDims[o.wAxis];
  const wScale = g.initializer('w_scale', new Tensor('float32', Array.from({ length: channels }, () => 0.002 + 0.01 * next()), o.wAxis === undefined ? [] : [channels]));
  const wZero = g.initializer('w_zero', new Tensor('int8', new Int8Array(channels), o.wAxis === undefined ? [] : [channels]));
  const w = g.initializer('w', randomBytes(next, 'int8', o.wDims));
  const wd = g.op('DequantizeLinear', [w, wScale, wZero], o.wAxis === undefined ? {} : { axis: o.wAxis });
  const inputs = [xd, wd];
  if (o.bias) inputs.push(g.initializer('bias', randomFloats(next, [o.bias], -0.5, 0.5)));
  const y = g.op(o.op, inputs, o.attrs ?? {});
  const yScale = g.initializer('y_scale', scalar('float32', 0.05));
  const yZero = g.initializer('y_zero', scalar('uint8', 128));
  const yd = g.op('DequantizeLinear', [g.op('QuantizeLinear', [y, yScale, yZero]), yScale, yZero]);
  g.output(y);
  g.output(yd);
  return buildModel(g.build(), { 'ai.onnx': 21 });
}

async function checkQdq(seed: number, o: QdqOptions): Promise<void> {
  const next = rng(seed);
  const model = qdqModel(next, o);
  const feeds = { x: randomFloats(next, o.xDims, -1.5, 1.5) };
  const before = fastPathCounts().get(o.op) ?? 0;
  const arm = await runOn(model, feeds, 'arm', 2);
  const ref = await runOn(model, feeds, 'cpu-ref');
  assert.ok((fastPathCounts().get(o.op) ?? 0) >= before + 2, `${o.op}: the integer path did not run`);
  const what = `${o.op} x [${o.xDims}] w [${o.wDims}]${o.wAxis === undefined ? '' : ` per-axis ${o.wAxis}`}`;
  expectClose(arm.outputs[0], ref.outputs[0], `${what}, float output`, 1e-5, 1e-5);
  // One quantization step (0.05) where a value sits on a rounding tie and the two float sums round differently.
  expectClose(arm.outputs[1], ref.outputs[1], `${what}, requantized output`, 0.0501);
}

test('QDQ Conv: per-tensor and per-channel weights, bias, pads, strides, groups', async () => {
  for (let i = 0; i < 8; i++) {
    const next = rng(100 + i);
    const group = i % 3 === 2 ? 2 : 1;
    // At least two channels per group: a depthwise convolution takes the float path (next test).
    const c = group * randomInt(next, group > 1 ? 2 : 1, 4);
    const m = group * randomInt(next, 1, 6);
    const k = randomInt(next, 1, 3);
    await checkQdq(200 + i, {
      op: 'Conv', xDims: [1, c, 6 + i, 7], wDims: [m, c / group, k, k], wAxis: i % 2 ? 0 : undefined, bias: i % 4 < 2 ? m : undefined,
      attrs: { group, pads: [1, 0, 1, 0], strides: [1 + (i % 2), 1] }, xType: i % 2 ? 'int8' : 'uint8',
    });
  }
});

test('QDQ depthwise Conv runs on the float depthwise kernel and matches the reference', async () => {
  const next = rng(150);
  const model = qdqModel(next, { op: 'Conv', xDims: [1, 4, 9, 8], wDims: [4, 1, 3, 3], wAxis: 0, bias: 4, attrs: { group: 4, pads: [1, 1, 1, 1], strides: [2, 2] }, xType: 'uint8' });
  const feeds = { x: randomFloats(next, [1, 4, 9, 8], -1.5, 1.5) };
  const before = fastPathCounts().get('Conv') ?? 0;
  const arm = await runOn(model, feeds, 'arm', 2);
  const ref = await runOn(model, feeds, 'cpu-ref');
  assert.is(fastPathCounts().get('Conv') ?? 0, before, 'the integer path stays out of depthwise convolutions');
  expectClose(arm.outputs[0], ref.outputs[0], 'depthwise float output', 1e-5, 1e-5);
  expectClose(arm.outputs[1], ref.outputs[1], 'depthwise requantized output', 0.0501);
});

test('QDQ MatMul: matrices, 3-D activations, per-column weights', async () => {
  for (let i = 0; i < 6; i++) {
    const next = rng(300 + i);
    const [m, k, n] = [randomInt(next, 1, 9), randomInt(next, 1, 80), randomInt(next, 1, 30)];
    await checkQdq(400 + i, { op: 'MatMul', xDims: i % 2 ? [2, m, k] : [m, k], wDims: [k, n], wAxis: i % 3 === 0 ? undefined : 1, xType: i % 2 ? 'uint8' : 'int8' });
  }
});

test('QDQ Gemm: transB, per-channel weights, bias vector', async () => {
  for (let i = 0; i < 4; i++) {
    const next = rng(500 + i);
    const [m, k, n] = [randomInt(next, 1, 6), randomInt(next, 1, 60), randomInt(next, 1, 25)];
    const transB = i % 2;
    await checkQdq(600 + i, {
      op: 'Gemm', xDims: [m, k], wDims: transB ? [n, k] : [k, n], wAxis: i < 2 ? undefined : transB ? 0 : 1,
      bias: n, attrs: { transB, alpha: 0.75 }, xType: 'uint8',
    });
  }
});

test('float32 Conv without DequantizeLinear inputs runs on the wrapped float kernel', async () => {
  const next = rng(700);
  const g = new GraphBuilder('float');
  g.input('x', 'float32', [1, 2, 5, 5]);
  g.initializer('w', randomFloats(next, [3, 2, 3, 3]));
  g.output(g.op('Conv', ['x', 'w']));
  const model = buildModel(g.build());
  const feeds = { x: randomFloats(next, [1, 2, 5, 5]) };
  const before = fastPathCounts().get('Conv') ?? 0;
  const arm = await runOn(model, feeds, 'arm');
  const ref = await runOn(model, feeds, 'cpu-ref');
  assert.is(fastPathCounts().get('Conv') ?? 0, before);
  assert.equal(arm.placement, ['arm']);
  expectClose(arm.outputs[0], ref.outputs[0], 'float Conv', 1e-5, 1e-4);
});

test('DequantizeLinear → Add of a bias vector is one pass, bit for bit', async () => {
  const next = rng(801);
  const g = new GraphBuilder('add');
  g.input('q', 'int8', [3, 5, 40]);
  const x = g.op('DequantizeLinear', ['q', g.initializer('s', scalar('float32', 0.0123)), g.initializer('z', scalar('int8', -7))]);
  g.output(g.op('Add', [x, g.initializer('b', randomFloats(next, [40]))]));
  g.output(g.op('Add', [g.initializer('c', randomFloats(next, [1, 1, 1])), x]));
  const model = buildModel(g.build(), { 'ai.onnx': 13 });
  const feeds = { q: randomBytes(next, 'int8', [3, 5, 40]) };
  const before = fastPathCounts().get('Add') ?? 0;
  const arm = await runOn(model, feeds, 'arm');
  const ref = await runOn(model, feeds, 'cpu-ref');
  assert.is((fastPathCounts().get('Add') ?? 0) - before, 2);
  arm.outputs.forEach((t, i) => expectClose(t, ref.outputs[i], `output ${i}`));
});

test('DequantizeLinear → Relu → QuantizeLinear stays quantized and matches the reference', async () => {
  const next = rng(800);
  const g = new GraphBuilder('relu');
  g.input('q', 'uint8', [2, 300]);
  const scale = g.initializer('s', scalar('float32', 0.037));
  const zero = g.initializer('z', scalar('uint8', 117));
  const relu = g.op('Relu', [g.op('DequantizeLinear', ['q', scale, zero])]);
  g.output(relu);
  g.output(g.op('QuantizeLinear', [relu, scale, zero]));
  const model = buildModel(g.build(), { 'ai.onnx': 13 });
  const feeds = { q: randomBytes(next, 'uint8', [2, 300]) };
  const before = [fastPathCounts().get('Relu') ?? 0, fastPathCounts().get('QuantizeLinear') ?? 0];
  const arm = await runOn(model, feeds, 'arm');
  const ref = await runOn(model, feeds, 'cpu-ref');
  assert.ok((fastPathCounts().get('Relu') ?? 0) > before[0] && (fastPathCounts().get('QuantizeLinear') ?? 0) > before[1]);
  expectClose(arm.outputs[0], ref.outputs[0], 'Relu output');
  expectClose(arm.outputs[1], ref.outputs[1], 'requantized Relu output');
});

test('MatMulInteger → Cast → Mul → Add (dynamic quantization) runs on the accumulators, bit for bit', async () => {
  const next = rng(900);
  const [m, k, n] = [7, 45, 21];
  const g = new GraphBuilder('dynamic');
  g.input('a', 'uint8', [2, m, k]);
  const product = g.op('Cast', [g.op('MatMulInteger', ['a', g.initializer('b', randomBytes(next, 'int8', [k, n])), g.initializer('az', scalar('uint8', 131))])], { to: 1 });
  const scaled = g.op('Mul', [g.initializer('s', randomFloats(next, [n], 1e-4, 1e-3)), product]);
  g.output(g.op('Add', [scaled, g.initializer('bias', randomFloats(next, [1, n]))]));
  g.output(g.op('Add', [g.op('Mul', [product, g.initializer('s1', scalar('float32', 3e-4))]), g.initializer('b1', scalar('float32', 0.25))]));
  g.output(product);
  const model = buildModel(g.build(), { 'ai.onnx': 13 });
  const feeds = { a: randomBytes(next, 'uint8', [2, m, k]) };
  const before = ['Cast', 'Mul', 'Add'].map((op) => fastPathCounts().get(op) ?? 0);
  const arm = await runOn(model, feeds, 'arm');
  const ref = await runOn(model, feeds, 'cpu-ref');
  ['Cast', 'Mul', 'Add'].forEach((op, i) => assert.ok((fastPathCounts().get(op) ?? 0) > before[i], `${op} ran on the accumulators`));
  arm.outputs.forEach((t, i) => expectClose(t, ref.outputs[i], `output ${i}`));
});

test('QDQ MatMul → QuantizeLinear quantizes the accumulators directly', async () => {
  const next = rng(901);
  const g = new GraphBuilder('static');
  g.input('x', 'uint8', [9, 33]);
  const xd = g.op('DequantizeLinear', ['x', g.initializer('xs', scalar('float32', 0.02)), g.initializer('xz', scalar('uint8', 120))]);
  const wd = g.op('DequantizeLinear', [g.initializer('w', randomBytes(next, 'int8', [33, 17])), g.initializer('ws', randomFloats(next, [17], 0.001, 0.01)), g.initializer('wz', new Tensor('int8', new Int8Array(17), [17]))], { axis: 1 });
  const y = g.op('MatMul', [xd, wd]);
  g.output(g.op('QuantizeLinear', [y, g.initializer('ys', scalar('float32', 0.01)), g.initializer('yz', scalar('int8', -3))]));
  const model = buildModel(g.build(), { 'ai.onnx': 13 });
  const feeds = { x: randomBytes(next, 'uint8', [9, 33]) };
  const arm = await runOn(model, feeds, 'arm');
  const ref = await runOn(model, feeds, 'cpu-ref');
  // The float sum of the reference and the exact integer one round differently only at a tie: allow one step.
  expectClose(arm.outputs[0], ref.outputs[0], 'requantized MatMul', 1);
});

test.run();
