import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FloatAttr, GraphBuilder, Tensor, buildModel } from '@onnx-ts/core';
import { applyActivation } from '../src/index.js';
import { erf } from '../src/fused-kernels.js';
import { maxRelativeDiff, randomFloats, runRef } from './helpers.js';

const cases: [string, number[], Record<string, number | string | FloatAttr>][] = [
  ['Relu', [], {}],
  ['Sigmoid', [], {}],
  ['Tanh', [], {}],
  ['LeakyRelu', [0.3], { alpha: 0.3 }],
  ['HardSigmoid', [0.25, 0.4], { alpha: 0.25, beta: 0.4 }],
  ['Gelu', [0], {}],
  ['Gelu', [1], { approximate: 'tanh' }],
];

for (const [op, params, attrs] of cases) {
  test(`${op}${params.length ? ` [${params}]` : ''} in place matches the reference backend's ${op}`, async () => {
    const values = randomFloats(64, 3, 3);
    const g = new GraphBuilder();
    g.input('x', 'float32', [64]);
    g.node(op, ['x'], attrs, { outputs: ['y'] });
    g.output('y', 'float32');
    const expected = (await runRef(buildModel(g.build(), { 'ai.onnx': 20 }), { x: new Tensor('float32', values, [64]) })).y;
    const data = Float32Array.from(values);
    applyActivation(data, op, params, 'FusedTest');
    assert.ok(maxRelativeDiff(data, expected.data as Float32Array, 1e-4) <= 1e-5);
  });
}

test('Clip clamps to [lo, hi]; bad activations and parameter counts are errors', () => {
  const data = new Float32Array([-2, -0.5, 0, 0.5, 2]);
  applyActivation(data, 'Clip', [-1, 1], 'FusedConv');
  assert.equal(Array.from(data), [-1, -0.5, 0, 0.5, 1]);
  assert.throws(() => applyActivation(data, 'Swish', [], 'FusedConv'), /FusedConv: unknown activation 'Swish'/);
  assert.throws(() => applyActivation(data, 'LeakyRelu', [], 'FusedGemm'), /LeakyRelu takes 1 activation_params, got 0/);
});

test('erf matches known values to double precision', () => {
  // erf at 0.5, 1, 2, 3 to 16 significant digits.
  for (const [x, v] of [[0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527], [3, 0.9999779095030014]]) {
    assert.ok(Math.abs(erf(x) - v) < 1e-15, `erf(${x})`);
    assert.ok(Math.abs(erf(-x) + v) < 1e-15, `erf(${-x})`);
  }
});

test.run();
