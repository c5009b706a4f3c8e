/**
 * QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear on 'arm' against the reference backend: identical
 * results on random data with ties, NaN and infinities; per-tensor, per-axis and blocked parameters; and values
 * worked out by hand from the spec.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { fastPathCounts } from '../src/index.js';
import { armAndReference, expectClose, nodeModel, randomBytes, randomFloats, randomInt, rng, runOn, scalar, type NodeCase } from './helpers.js';

async function expectSameAsReference(c: NodeCase, what: string): Promise<void> {
  const before = fastPathCounts().get(c.op) ?? 0;
  const { arm, ref } = await armAndReference(c, 1);
  for (let i = 0; i < ref.length; i++) expectClose(arm[i], ref[i], `${what} output ${i}`);
  assert.ok((fastPathCounts().get(c.op) ?? 0) > before, `${what}: the fast path did not run`);
}

/** Floats with exact halfway cases (k + 0.5 quanta), NaN and ±Infinity mixed in. */
function awkwardFloats(next: () => number, dims: number[], scale: number): Tensor {
  const t = randomFloats(next, dims, -200 * scale, 200 * scale);
  const data = t.data as Float32Array;
  for (let i = 0; i < data.length; i++) {
    const r = next();
    if (r < 0.2) data[i] = (randomInt(next, -150, 150) + 0.5) * scale;
    else if (r < 0.23) data[i] = NaN;
    else if (r < 0.26) data[i] = next() < 0.5 ? Infinity : -Infinity;
  }
  return t;
}

test('QuantizeLinear: per-tensor and per-axis, int8 and uint8, ties/NaN/infinity', async () => {
  const next = rng(31);
  for (let i = 0; i < 12; i++) {
    const dims = [randomInt(next, 1, 3), randomInt(next, 1, 7), randomInt(next, 1, 40)];
    const type = next() < 0.5 ? 'int8' : 'uint8';
    const perAxis = next() < 0.5;
    const axis = randomInt(next, -3, 2);
    const d = dims[(axis + 3) % 3];
    const scale = new Tensor('float32', Array.from({ length: perAxis ? d : 1 }, () => 0.01 + 0.05 * next()), perAxis ? [d] : []);
    const zp = randomBytes(next, type, perAxis ? [d] : []);
    await expectSameAsReference({ op: 'QuantizeLinear', inputs: [awkwardFloats(next, dims, 0.03), scale, zp], attrs: { axis } },
      `QuantizeLinear ${type} [${dims}] ${perAxis ? `axis ${axis}` : 'per tensor'}`);
  }
});

test('QuantizeLinear: no zero point gives uint8; by hand', async () => {
  // x / 2 = [0.5, 1.5, 2.5, -1, 300] rounds half to even to [0, 2, 2, -1, 300], saturates to uint8 [0, 2, 2, 0, 255].
  const x = new Tensor('float32', [1, 3, 5, -2, 600], [5]);
  const { arm } = await armAndReference({ op: 'QuantizeLinear', inputs: [x, scalar('float32', 2)] }, 1);
  assert.is(arm[0].type, 'uint8');
  assert.equal(Array.from(arm[0].data as Uint8Array), [0, 2, 2, 0, 255]);
});

test('DequantizeLinear: int8, uint8, int32, int4, uint4; per tensor, per axis, blocked', async () => {
  const next = rng(32);
  const types = ['int8', 'uint8', 'int32', 'int4', 'uint4'] as const;
  for (let i = 0; i < 15; i++) {
    const type = types[i % types.length];
    const dims = [randomInt(next, 1, 4), randomInt(next, 2, 9), randomInt(next, 1, 33)];
    const range: Record<string, [number, number]> = { int8: [-128, 127], uint8: [0, 255], int32: [-100000, 100000], int4: [-8, 7], uint4: [0, 15] };
    const [lo, hi] = range[type];
    const values = (n: number): number[] => Array.from({ length: n }, () => randomInt(next, lo, hi));
    const size = dims.reduce((p, d) => p * d, 1);
    const x = new Tensor(type, values(size), dims);
    const mode = ['tensor', 'axis', 'block'][i % 3];
    const axis = randomInt(next, 0, 2);
    const blockSize = randomInt(next, 1, 4);
    const paramDims = mode === 'tensor' ? [] : mode === 'axis' ? [dims[axis]] : dims.map((d, j) => (j === axis ? Math.ceil(d / blockSize) : d));
    const count = paramDims.reduce((p, d) => p * d, 1);
    const scale = new Tensor('float32', Array.from({ length: count }, () => 0.001 + next()), paramDims);
    const zp = new Tensor(type, values(count), paramDims);
    await expectSameAsReference({ op: 'DequantizeLinear', inputs: [x, scale, zp], attrs: { axis, ...(mode === 'block' ? { block_size: blockSize } : {}) } },
      `DequantizeLinear ${type} [${dims}] ${mode}`);
  }
});

test('DequantizeLinear: by hand, and its output decodes only when read', async () => {
  // (x - zp) · scale = ([0, 10, 255] - 10) · 0.5 = [-5, 0, 122.5].
  const { model, feeds } = nodeModel({ op: 'DequantizeLinear', inputs: [new Tensor('uint8', [0, 10, 255], [3]), scalar('float32', 0.5), scalar('uint8', 10)] });
  const { outputs } = await runOn(model, feeds, 'arm');
  assert.equal(Array.from(outputs[0].data as Float32Array), [-5, 0, 122.5]);
});

test('DynamicQuantizeLinear: random ranges (positive, negative, mixed, constant), NaN ignored', async () => {
  const next = rng(33);
  const ranges: [number, number][] = [[-3, 5], [0.5, 9], [-7, -0.25], [-1e-3, 1e-3], [2, 2], [0, 0]];
  for (const [lo, hi] of ranges) {
    const x = randomFloats(next, [3, randomInt(next, 1, 50)], lo, hi);
    if (lo !== hi) (x.data as Float32Array)[1] = NaN;
    await expectSameAsReference({ op: 'DynamicQuantizeLinear', inputs: [x], outputs: 3 }, `DynamicQuantizeLinear [${lo}, ${hi}]`);
  }
});

test('DynamicQuantizeLinear: by hand', async () => {
  // Range [-1, 2.5] with 0 included: scale = 3.5 / 255, zero point = round(1 / scale) = round(72.857) = 73.
  const x = new Tensor('float32', [-1, 0, 2.5, 1], [4]);
  const { arm } = await armAndReference({ op: 'DynamicQuantizeLinear', inputs: [x], outputs: 3 }, 1);
  assert.is((arm[1].data as Float32Array)[0], Math.fround(Math.fround(3.5) / 255));
  assert.is((arm[2].data as Uint8Array)[0], 73);
  assert.equal(Array.from(arm[0].data as Uint8Array), [0, 73, 255, 146]);
});

test('quantized ops hand malformed input to the reference kernel, which names the problem', async () => {
  const { model, feeds } = nodeModel({ op: 'QLinearMatMul', inputs: [
    new Tensor('uint8', new Uint8Array(6), [2, 3]), scalar('float32', 1), scalar('uint8', 0),
    new Tensor('uint8', new Uint8Array(8), [4, 2]), scalar('float32', 1), scalar('uint8', 0),
    scalar('float32', 1), scalar('uint8', 0),
  ] });
  try {
    await runOn(model, feeds, 'arm');
    assert.unreachable('a K mismatch must throw');
  } catch (e) {
    assert.match((e as Error).message, /QLinearMatMul.*inner dimensions differ/);
  }
});

test.run();
