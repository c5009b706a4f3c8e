// NegativeLogLikelihoodLoss (the spec's three examples) and SoftmaxCrossEntropyLoss worked out by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { f32, i32, i64, rejects, runNode, runTensor } from './tensor-harness.js';

function near(got: Tensor, dims: number[], expected: number[]): void {
  assert.equal(got.dims, dims);
  const values = [...(got.data as Float32Array)];
  assert.ok(values.every((v, i) => Math.abs(v - expected[i]) <= 1e-5 * (1 + Math.abs(expected[i]))), `[${values}] vs [${expected}]`);
}

const input = f32([1, 2, 2, 2, 3, 2, 0, 1, 2, 2, 1, 2], [2, 3, 2]);
const target = i64([2, 1, 0, 2], [2, 2]);
const weight = f32([0.2, 0.3, 0.1]);

test('NegativeLogLikelihoodLoss: the spec examples for none, weighted sum and weighted mean', async () => {
  near(await runTensor('NegativeLogLikelihoodLoss', [input, target], { reduction: 'none' }), [2, 2], [-3, -2, -0, -2]);
  near(await runTensor('NegativeLogLikelihoodLoss', [input, target, weight], { reduction: 'sum' }), [], [-1.1]);
  near(await runTensor('NegativeLogLikelihoodLoss', [input, target, weight]), [], [-1.1 / 0.7]);
});

test('NegativeLogLikelihoodLoss: ignore_index drops samples from the sum and the mean; targets must be classes', async () => {
  // Ignoring class 2 leaves -input[0][1][1] = -2 and -input[1][0][0] = 0, averaged over those two.
  near(await runTensor('NegativeLogLikelihoodLoss', [input, target], { ignore_index: 2 }), [], [-1]);
  near(await runTensor('NegativeLogLikelihoodLoss', [input, i32([2, -1, -1, 2], [2, 2])], { ignore_index: -1, reduction: 'none' }),
    [2, 2], [-3, 0, 0, -2]);
  await rejects(() => runTensor('NegativeLogLikelihoodLoss', [input, i64([3, 0, 0, 0], [2, 2])]), /target 3 at element 0 is outside \[0, 3\)/);
  await rejects(() => runTensor('NegativeLogLikelihoodLoss', [input, i64([0, 0])]), /target has shape \[2\] but the input needs \[2, 2\]/);
  await rejects(() => runTensor('NegativeLogLikelihoodLoss', [input, target, f32([1, 1])]), /weight must be \[3\]/);
});

test('SoftmaxCrossEntropyLoss takes -log softmax at the label, and returns log softmax when asked', async () => {
  const scores = f32([0, 0, Math.log(3), 0], [2, 2]);
  const labels = i64([0, 1]);
  const [loss, logProb] = await runNode('SoftmaxCrossEntropyLoss', [scores, labels], {}, { outputs: 2 });
  near(loss as Tensor, [], [1.5 * Math.LN2]);
  near(logProb as Tensor, [2, 2], [-Math.LN2, -Math.LN2, Math.log(0.75), Math.log(0.25)]);
  near(await runTensor('SoftmaxCrossEntropyLoss', [scores, labels], { reduction: 'none' }), [2], [Math.LN2, 2 * Math.LN2]);
  near(await runTensor('SoftmaxCrossEntropyLoss', [scores, labels, f32([1, 3])]), [], [(7 * Math.LN2) / 4]);
  // Classes on axis 1 of [N, C, d]: position 0 has logits (0, 0), position 1 has (ln 3, 0).
  const spatial = f32([0, Math.log(3), 0, 0], [1, 2, 2]);
  near(await runTensor('SoftmaxCrossEntropyLoss', [spatial, i64([1, 0], [1, 2])], { reduction: 'sum' }), [], [Math.LN2 + Math.log(4 / 3)]);
  await rejects(() => runTensor('SoftmaxCrossEntropyLoss', [scores, labels], { reduction: 'max' }), /reduction must be none, sum or mean/);
});

test.run();
