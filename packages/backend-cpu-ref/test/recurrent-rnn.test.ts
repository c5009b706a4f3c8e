// RNN, GRU and LSTM against values worked out by hand from the spec's equations.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, type AttrDecl, float16ToNumber, numberToFloat16, type KernelContext, type Value } from '@onnx-ts/core';
import { kernels } from '../src/ops/recurrent/index.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const f32 = (dims: number[], values: number[]) => new Tensor('float32', new Float32Array(values), dims);

function run(op: string, inputs: (Value | undefined)[], attrs: Record<string, unknown> = {}): Tensor[] {
  const spec = kernels.find((k) => k.op === op)!;
  const defaults = Object.fromEntries(Object.entries(spec.attrs ?? {}).map(([name, decl]) => [name, (decl as AttrDecl).default]));
  const ctx = { opset: 22, checkAllocation: () => {} } as unknown as KernelContext;
  return spec.run(inputs, { ...defaults, ...attrs }, ctx) as Tensor[];
}

function near(got: Tensor, expected: number[], dims: number[]): void {
  assert.equal(got.dims, dims);
  const values = [...(got.data as Float32Array)];
  assert.ok(values.every((v, i) => Math.abs(v - expected[i]) <= 1e-6 + 1e-5 * Math.abs(expected[i])), `${values} vs ${expected}`);
}

test('RNN applies tanh to X·Wᵀ + H·Rᵀ + Wb + Rb', () => {
  const [y, yH] = run('RNN', [f32([1, 1, 1], [0.5]), f32([1, 1, 1], [2]), f32([1, 1, 1], [3]), f32([1, 2], [0.1, 0.2]),
    undefined, f32([1, 1, 1], [0.4])], { hidden_size: 1 });
  near(y, [Math.tanh(0.5 * 2 + 0.4 * 3 + 0.3)], [1, 1, 1, 1]);
  near(yH, [Math.tanh(2.5)], [1, 1, 1]);
});

test('RNN bidirectional: each direction takes its own activation, alpha and beta consumed in order', () => {
  const x = f32([2, 1, 1], [1, -2]);
  const [y, yH] = run('RNN', [x, f32([2, 1, 1], [1, 1]), f32([2, 1, 1], [0.25, 0.25])], {
    direction: 'bidirectional', activations: ['Relu', 'Affine'], activation_alpha: [2], activation_beta: [1],
  });
  // forward relu: 1, relu(-2 + 0.25) = 0; reverse 2x+1 from the end: t1 = -3, t0 = 2(1 - 0.75) + 1 = 1.5
  near(y, [1, 1.5, 0, -3], [2, 2, 1, 1]);
  near(yH, [0, 1.5], [2, 1, 1]);
});

test('RNN sequence_lens: shorter entries stop early, their Y rows stay zero, reverse starts at their end', () => {
  const x = f32([3, 2, 1], [1, 1, 1, 1, 1, 1]);
  const lens = new Tensor('int32', new Int32Array([3, 1]), [2]);
  const args = [x, f32([1, 1, 1], [1]), f32([1, 1, 1], [1]), undefined, lens];
  const [y, yH] = run('RNN', args, { activations: ['Relu'] });
  near(y, [1, 1, 2, 0, 3, 0], [3, 1, 2, 1]);
  near(yH, [3, 1], [1, 2, 1]);
  const [yR, yHR] = run('RNN', args, { activations: ['Relu'], direction: 'reverse' });
  near(yR, [3, 1, 2, 0, 1, 0], [3, 1, 2, 1]);
  near(yHR, [3, 1], [1, 2, 1]);
});

test('RNN layout 1 puts batch first in X, initial_h, Y and Y_h', () => {
  const x = f32([2, 3, 1], [1, 1, 1, 1, 1, 1]);
  const lens = new Tensor('int32', new Int32Array([3, 1]), [2]);
  const h0 = f32([2, 1, 1], [10, 20]);
  const [y, yH] = run('RNN', [x, f32([1, 1, 1], [1]), f32([1, 1, 1], [1]), undefined, lens, h0],
    { activations: ['Relu'], layout: 1 });
  near(y, [11, 12, 13, 21, 0, 0], [2, 3, 1, 1]);
  near(yH, [13, 21], [2, 1, 1]);
});

test('RNN clip bounds the activation input', () => {
  const [y] = run('RNN', [f32([1, 1, 1], [3]), f32([1, 1, 1], [1]), f32([1, 1, 1], [0])], { clip: 0.5, activations: ['Relu'] });
  near(y, [0.5], [1, 1, 1, 1]);
});

test('RNN keeps float16 in and out', () => {
  const half = (v: number[], dims: number[]) => new Tensor('float16', new Uint16Array(v.map(numberToFloat16)), dims);
  const [, yH] = run('RNN', [half([0.5], [1, 1, 1]), half([1], [1, 1, 1]), half([0], [1, 1, 1])]);
  assert.is(yH.type, 'float16');
  assert.ok(Math.abs(float16ToNumber((yH.data as Uint16Array)[0]) - Math.tanh(0.5)) < 1e-3);
});

test('GRU: both linear_before_reset forms of the hidden gate', () => {
  const args = [f32([1, 1, 1], [0.5]), f32([1, 3, 1], [1, -1, 2]), f32([1, 3, 1], [0.5, 0.5, -1]),
    f32([1, 6], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), undefined, f32([1, 1, 1], [0.8])];
  const z = sigmoid(0.5 + 0.4 + 0.1 + 0.4);
  const r = sigmoid(-0.5 + 0.4 + 0.2 + 0.5);
  const resetFirst = Math.tanh(1 + r * 0.8 * -1 + 0.6 + 0.3);
  const linearFirst = Math.tanh(1 + r * (0.8 * -1 + 0.6) + 0.3);
  const [, yH] = run('GRU', args);
  near(yH, [(1 - z) * resetFirst + z * 0.8], [1, 1, 1]);
  const [, yHL] = run('GRU', args, { linear_before_reset: 1 });
  near(yHL, [(1 - z) * linearFirst + z * 0.8], [1, 1, 1]);
});

test('LSTM with peepholes and initial states; input_forget couples f to 1 - i', () => {
  const args = [f32([1, 1, 1], [1]), f32([1, 4, 1], [0.5, -0.5, 0.25, 1]), f32([1, 4, 1], [0.1, 0.2, 0.3, 0.4]),
    f32([1, 8], [0.1, 0, 0, 0.2, 0, 0, 0, 0]), undefined, f32([1, 1, 1], [0.5]), f32([1, 1, 1], [-1]),
    f32([1, 3], [0.3, -0.2, 0.1])];
  const expected = (coupled: boolean) => {
    const i = sigmoid(0.5 + 0.05 + 0.1 + 0.3 * -1);
    const f = coupled ? 1 - i : sigmoid(0.25 + 0.15 + 0.1 * -1);
    const c = f * -1 + i * Math.tanh(1 + 0.2 + 0.2);
    const o = sigmoid(-0.5 + 0.1 - 0.2 * c);
    return [o * Math.tanh(c), c];
  };
  const [y, yH, yC] = run('LSTM', args);
  const [h, c] = expected(false);
  near(y, [h], [1, 1, 1, 1]);
  near(yH, [h], [1, 1, 1]);
  near(yC, [c], [1, 1, 1]);
  const [, yH2, yC2] = run('LSTM', args, { input_forget: 1 });
  const [h2, c2] = expected(true);
  near(yH2, [h2], [1, 1, 1]);
  near(yC2, [c2], [1, 1, 1]);
});

test('LSTM over two steps feeds H and C forward', () => {
  // One unit, W = 1 for every gate, R and biases zero: each step is a function of x and the carried C only.
  const [y, , yC] = run('LSTM', [f32([2, 1, 1], [1, 2]), f32([1, 4, 1], [1, 1, 1, 1]), f32([1, 4, 1], [0, 0, 0, 0])]);
  const c1 = sigmoid(1) * Math.tanh(1);
  const c2 = sigmoid(2) * c1 + sigmoid(2) * Math.tanh(2);
  near(y, [sigmoid(1) * Math.tanh(c1), sigmoid(2) * Math.tanh(c2)], [2, 1, 1, 1]);
  near(yC, [c2], [1, 1, 1]);
});

test('recurrent ops reject bad shapes and attributes with a clear message', () => {
  const x = f32([1, 1, 2], [1, 2]);
  assert.throws(() => run('RNN', [x, f32([1, 1, 3], [1, 1, 1]), f32([1, 1, 1], [0])]), /input 'W' should have shape \[1, 1, 2\]/);
  assert.throws(() => run('RNN', [x, f32([1, 1, 2], [1, 1]), f32([1, 1, 1], [0])], { direction: 'sideways' }), /direction/);
  assert.throws(() => run('GRU', [x, f32([1, 3, 2], [1, 1, 1, 1, 1, 1]), f32([1, 3, 1], [0, 0, 0])], { activations: ['Tanh'] }),
    /should list 2 functions/);
  assert.throws(() => run('RNN', [x, f32([1, 1, 2], [1, 1]), f32([1, 1, 1], [0])], { activations: ['Swish'] }), /unknown activation/);
  const lens = new Tensor('int32', new Int32Array([2]), [1]);
  assert.throws(() => run('RNN', [x, f32([1, 1, 2], [1, 1]), f32([1, 1, 1], [0]), undefined, lens]), /sequence_lens\[0\] = 2/);
  assert.throws(() => run('LSTM', [x, undefined, f32([1, 4, 1], [0, 0, 0, 0])]), /input 'W' should be a tensor/);
});

test.run();
