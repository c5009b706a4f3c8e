// Linear and SVM models of ai.onnx.ml and their post transforms. Expected values are worked out by hand from the
// weights in each test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { f32, i64, rejects } from './tensor-harness.js';
import { close, runMl, scores } from './ml-helpers.js';

const logistic = (v: number) => 1 / (1 + Math.exp(-v));
const softmax = (v: number[]) => {
  const e = v.map((x) => Math.exp(x - Math.max(...v)));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

test('LinearRegressor: one coefficient row per target, plus intercepts', async () => {
  const attrs = { coefficients: [1, 2, 3, 4], intercepts: [10, 20], targets: 2 };
  const y = await runMl('LinearRegressor', [f32([1, 1, 2, 0], [2, 2])], attrs, { opset: 1 });
  assert.equal(scores(y), { dims: [2, 2], type: 'float32', data: [13, 27, 12, 26] });
  // A 1-D input is one row; int64 features are accepted.
  assert.equal(scores(await runMl('LinearRegressor', [i64([1, 1])], attrs, { opset: 1 })).data, [13, 27]);
  await rejects(() => runMl('LinearRegressor', [f32([1, 2, 3], [1, 3])], attrs, { opset: 1 }), /coefficients has 4 values, expected 2 × 3/);
});

test('LinearRegressor applies SOFTMAX and PROBIT', async () => {
  const y = await runMl('LinearRegressor', [f32([1, 0], [1, 2])], { coefficients: [1, 0, 0, 1], targets: 2, post_transform: 'SOFTMAX' }, { opset: 1 });
  close(scores(y).data, softmax([1, 0]));
  // probit(0.975) = 1.959963984540054 and probit(0.5) = 0: quantiles of the standard normal distribution.
  const p = await runMl('LinearRegressor', [f32([0.975, 0.5], [1, 2])], { coefficients: [1, 0, 0, 1], targets: 2, post_transform: 'PROBIT' }, { opset: 1 });
  close(scores(p).data, [1.959963984540054, 0]);
});

test('LinearClassifier: a single coefficient row scores a two-class problem as [-s, s]', async () => {
  const attrs = { coefficients: [1, -1], intercepts: [0.5], classlabels_ints: [0, 1] };
  const [labels, z] = await runMl('LinearClassifier', [f32([2, 1, 0, 1], [2, 2])], attrs, { opset: 1, outputs: 2 });
  assert.equal(scores(labels).data, [1n, 0n]);
  assert.equal(scores(z), { dims: [2, 2], type: 'float32', data: [-1.5, 1.5, 0.5, -0.5] });
  const [, zl] = await runMl('LinearClassifier', [f32([2, 1], [1, 2])], { ...attrs, post_transform: 'LOGISTIC' }, { opset: 1, outputs: 2 });
  close(scores(zl).data, [logistic(-1.5), logistic(1.5)]);
});

test('LinearClassifier: one row per class picks the best score, with string labels', async () => {
  const attrs = { coefficients: [1, 0, 0, 1, -1, -1], intercepts: [0, 0, 1], classlabels_strings: ['x', 'y', 'z'], post_transform: 'SOFTMAX_ZERO' };
  const [labels, z] = await runMl('LinearClassifier', [f32([3, 1, 0, 0], [2, 2])], attrs, { opset: 1, outputs: 2 });
  assert.equal(scores(labels).data, ['x', 'z']);
  // Row 0 scores [3, 1, -3]; row 1 scores [0, 0, 1], where SOFTMAX_ZERO leaves the zero scores at zero weight.
  close(scores(z).data, [...softmax([3, 1, -3]), 0, 0, 1]);
});

test('SVMRegressor: linear model, kernel sums with support vectors, and one-class signs', async () => {
  const linear = await runMl('SVMRegressor', [f32([1, 3], [1, 2])], { coefficients: [2, -1], rho: [0.5] }, { opset: 1 });
  assert.equal(scores(linear), { dims: [1, 1], type: 'float32', data: [-0.5] });
  // RBF with gamma 0.5 around (0, 0) and (1, 1): x = (1, 0) is at squared distance 1 from both.
  const rbf = {
    n_supports: 2, support_vectors: [0, 0, 1, 1], coefficients: [1, -1], kernel_type: 'RBF', kernel_params: [0.5, 0, 0], rho: [0.1],
  };
  const y = await runMl('SVMRegressor', [f32([1, 0, 0, 0], [2, 2])], rbf, { opset: 1 });
  close(scores(y).data, [0.1, 1 - Math.exp(-1) + 0.1]);
  const oneClass = await runMl('SVMRegressor', [f32([1, 0, 0, 0], [2, 2])], { ...rbf, rho: [-0.5], one_class: 1 }, { opset: 1 });
  assert.equal(scores(oneClass).data, [-1, 1]);
  // POLY: (gamma·dot + coef0)^degree = (2·1 + 1)^2 = 9.
  const poly = { n_supports: 1, support_vectors: [1, 0], coefficients: [1], kernel_type: 'POLY', kernel_params: [2, 1, 2], rho: [0] };
  assert.equal(scores(await runMl('SVMRegressor', [f32([1, 5], [1, 2])], poly, { opset: 1 })).data, [9]);
});

test('SVMClassifier: two-class SVC votes by the sign of its decision value', async () => {
  // Decision value: rho + 1·<x, (0, 0)> - 1·<x, (2, 2)>; positive votes for the first class.
  const attrs = {
    classlabels_ints: [7, 9], vectors_per_class: [1, 1], support_vectors: [0, 0, 2, 2], coefficients: [1, -1], rho: [0], kernel_type: 'LINEAR',
  };
  const [labels, z] = await runMl('SVMClassifier', [f32([1, 0, -1, 0], [2, 2])], attrs, { opset: 1, outputs: 2 });
  assert.equal(scores(labels).data, [9n, 7n]);
  assert.equal(scores(z), { dims: [2, 2], type: 'float32', data: [2, -2, -2, 2] });
});

test('SVMClassifier: three classes vote pairwise; the linear model picks the best score', async () => {
  // Class vectors a=(0,0), b=(4,0), c=(0,4). In pair (i, j), class i's vectors use coefficient row j-1 and count +1,
  // class j's vectors use row i and count -1: a is +1 in both rows, b is -1 in row 0 and +1 in row 1, c is -1 in both.
  const svc = {
    classlabels_strings: ['a', 'b', 'c'], vectors_per_class: [1, 1, 1], support_vectors: [0, 0, 4, 0, 0, 4],
    coefficients: [1, -1, -1, 1, 1, -1], rho: [-1, -1, 0], kernel_type: 'LINEAR',
  };
  // x = (1, 0), kernels [0, 4, 0]: ab = -1 + 0 - 4 → b; ac = -1 + 0 - 0 → c; bc = 0 + 4 - 0 → b. b wins two votes.
  const [labels, z] = await runMl('SVMClassifier', [f32([1, 0], [1, 2])], svc, { opset: 1, outputs: 2 });
  assert.equal(scores(labels).data, ['b']);
  assert.equal(scores(z).data, [-5, -1, 4]);
  const linear = { classlabels_ints: [1, 2, 3], coefficients: [1, 0, 0, 1, -1, -1], rho: [0.5] };
  const [ll, lz] = await runMl('SVMClassifier', [f32([0, 2], [1, 2])], linear, { opset: 1, outputs: 2 });
  assert.equal(scores(ll).data, [2n]);
  assert.equal(scores(lz).data, [0.5, 2.5, -1.5]);
});

test('SVMClassifier: prob_a/prob_b turn a two-class decision value into probabilities', async () => {
  // P(first class) = 1 / (1 + exp(s·A + B)) with A = -1, B = 0: logistic(s) for s = -2.
  const attrs = {
    classlabels_ints: [0, 1], vectors_per_class: [1, 1], support_vectors: [0, 0, 2, 2], coefficients: [1, -1], rho: [0],
    prob_a: [-1], prob_b: [0],
  };
  const [labels, z] = await runMl('SVMClassifier', [f32([1, 0], [1, 2])], attrs, { opset: 1, outputs: 2 });
  assert.equal(scores(labels).data, [1n]);
  close(scores(z).data, [logistic(-2), 1 - logistic(-2)], 1e-3);
  await rejects(() => runMl('SVMClassifier', [f32([1, 0, 0], [1, 3])], attrs, { opset: 1, outputs: 2 }), /support_vectors has 4 values, expected 6/);
});

test.run();
