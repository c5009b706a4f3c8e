// The ai.onnx.preview.training optimizers against their spec pseudo code, worked out by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, InferenceSession, Tensor, buildModel, type BuilderAttr } from '@onnx-ts/core';
import { f32, i64, rejects } from './tensor-harness.js';
import '../src/index.js';

const DOMAIN = 'ai.onnx.preview.training';

async function optimize(op: string, inputs: Tensor[], outputs: number, attrs: Record<string, BuilderAttr>): Promise<number[][]> {
  const g = new GraphBuilder();
  const names = inputs.map((t, i) => g.input(`in${i}`, t.type));
  g.node(op, names, attrs, { domain: DOMAIN, outputs: Array.from({ length: outputs }, (_, i) => `out${i}`) })
    .forEach((name) => g.output(name));
  const session = await InferenceSession.create(buildModel(g.build(), { 'ai.onnx': 21, [DOMAIN]: 1 }), { executionProviders: ['cpu-ref'] });
  const result = await session.run(Object.fromEntries(inputs.map((t, i) => [`in${i}`, t])));
  return Array.from({ length: outputs }, (_, i) => Array.from((result[`out${i}`] as Tensor).data as Float32Array));
}

function near(got: number[][], expected: number[][]): void {
  const ok = got.length === expected.length &&
    got.every((row, i) => row.length === expected[i].length && row.every((v, k) => Math.abs(v - expected[i][k]) < 1e-5));
  assert.ok(ok, `${JSON.stringify(got)} vs ${JSON.stringify(expected)}`);
}

const scalar = (v: number) => f32([v], []);

test('Adagrad: decayed rate, accumulated squares, two tensors at once', async () => {
  // r = 0.5 / (1 + 1·1) = 0.25; H_new = H + G²; X_new = X - r·G / sqrt(H_new).
  const out = await optimize('Adagrad', [scalar(0.5), i64([1], []), f32([1, 2]), f32([1]), f32([3, 4]), f32([-1]), f32([7, 0]), f32([0])], 4,
    { decay_factor: 1, epsilon: 0 });
  near(out, [[0.8125, 1.75], [1.25], [16, 16], [1]]);
  // norm_coefficient adds X to the gradient: G' = 1 + 3 = 4.
  near(await optimize('Adagrad', [scalar(1), i64([0], []), f32([1]), f32([3]), f32([0])], 2, { norm_coefficient: 1, epsilon: 0 }),
    [[0], [16]]);
});

test('Adam: bias-corrected rate after the first step, and the post-update decay', async () => {
  // V_new = 0.5·4 + 0.5·4 = 4; H_new = 0.75·16 + 0.25·16 = 16; R' = 0.1·sqrt(1 - 0.75²) / (1 - 0.5²).
  const inputs = (t: number) => [scalar(0.1), i64([t], []), f32([1]), f32([4]), f32([4]), f32([16])];
  const attrs = { alpha: 0.5, beta: 0.75, epsilon: 0 };
  near(await optimize('Adam', inputs(0), 3, attrs), [[0.9], [4], [16]]);
  const rate = (0.1 * Math.sqrt(1 - 0.5625)) / 0.75;
  near(await optimize('Adam', inputs(2), 3, attrs), [[1 - rate], [4], [16]]);
  near(await optimize('Adam', inputs(2), 3, { ...attrs, norm_coefficient_post: 0.5 }), [[(1 - rate) / 2], [4], [16]]);
});

test('Momentum: beta applies from the second step; standard and Nesterov updates', async () => {
  // G' = 0.5·2 + 1 = 2; V_new = 0.5·4 + beta'·2.
  const inputs = (t: number) => [scalar(0.1), i64([t], []), f32([2]), f32([1]), f32([4])];
  const attrs = { alpha: 0.5, beta: 0.25, norm_coefficient: 0.5 };
  near(await optimize('Momentum', inputs(0), 2, { ...attrs, mode: 'standard' }), [[1.6], [4]]);
  near(await optimize('Momentum', inputs(3), 2, { ...attrs, mode: 'standard' }), [[1.75], [2.5]]);
  near(await optimize('Momentum', inputs(3), 2, { ...attrs, mode: 'nesterov' }), [[1.675], [2.5]]);
  await rejects(() => optimize('Momentum', inputs(3), 2, { ...attrs, mode: 'heavy' }), /mode must be 'standard' or 'nesterov'/);
  await rejects(() => optimize('Momentum', inputs(3).slice(0, 4), 2, { ...attrs, mode: 'standard' }),
    /expects R, T and 3 tensors \(X, G, V\) per optimized tensor, got 4 inputs/);
  await rejects(() => optimize('Momentum', [...inputs(3).slice(0, 4), f32([1, 2])], 2, { ...attrs, mode: 'standard' }),
    /broadcast to \[2\], not to its shape \[1\]/);
});

test.run();
