// The normalization kernels (BatchNormalization, InstanceNormalization, LayerNormalization, GroupNormalization,
// RMSNormalization, LRN, LpNormalization, MeanVarianceNormalization) on values worked out by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Tensor, Value } from '@onnx-ts/core';
import { f32, plain, rejects, runNode, runTensor } from './tensor-harness.js';

function close(got: Value, want: number[], dims?: number[]): void {
  const t = got as Tensor;
  if (dims) assert.equal([...t.dims], dims);
  const data = Array.from(t.data as Float32Array);
  assert.is(data.length, want.length, 'element count');
  data.forEach((v, i) => {
    if (!(Math.abs(v - want[i]) <= 1e-5 * (1 + Math.abs(want[i])))) assert.unreachable(`element ${i}: got ${v}, want ${want[i]}`);
  });
}

// X [N=2, C=2, 1]: channel 0 holds 1 and 3, channel 1 holds 2 and 4.
const bnX = f32([1, 2, 3, 4], [2, 2, 1]);

test('BatchNormalization in inference uses the given mean and variance', async () => {
  const y = await runTensor('BatchNormalization', [bnX, f32([1, 2]), f32([0, 1]), f32([2, 3]), f32([1, 4])], { epsilon: 0 });
  assert.equal(plain(y), { dims: [2, 2, 1], data: [-1, 0, 1, 2] });
  // A 1-D X is N values of a single channel.
  const flat = await runTensor('BatchNormalization', [f32([1, 2, 3]), f32([2]), f32([1]), f32([2]), f32([1])], { epsilon: 0 });
  assert.equal(plain(flat).data, [-1, 1, 3]);
});

test('BatchNormalization training (opset 15) normalizes by batch statistics and blends the running ones', async () => {
  const [y, mean, variance] = await runNode(
    'BatchNormalization', [bnX, f32([1, 2]), f32([0, 1]), f32([0, 0]), f32([1, 4])],
    { epsilon: 0, training_mode: 1, momentum: 0.9 }, { outputs: 3, opset: 15 },
  );
  // Batch mean [2, 3], population variance [1, 1].
  close(y, [-1, -1, 1, 3]);
  close(mean, [0.2, 0.3]);
  close(variance, [1, 3.7]);
});

test('BatchNormalization before opset 14 trains when its statistics outputs are asked for', async () => {
  const outs = await runNode(
    'BatchNormalization', [bnX, f32([1, 1]), f32([0, 0]), f32([0, 0]), f32([1, 1])], { epsilon: 0 }, { outputs: 5, opset: 9 },
  );
  close(outs[0], [-1, -1, 1, 1]);
  close(outs[3], [2, 3]);
  close(outs[4], [1, 1]);
  // spatial=0 (opset 7): every C·D position is its own channel.
  const perElement = await runTensor('BatchNormalization', [bnX, f32([1, 1]), f32([0, 0]), f32([1, 2]), f32([1, 1])], { epsilon: 0, spatial: 0 }, { opset: 7 });
  close(perElement, [0, 0, 2, 2]);
  await rejects(() => runTensor('BatchNormalization', [bnX, f32([1]), f32([0, 0]), f32([0, 0]), f32([1, 1])]), /scale must hold 2 values/);
});

test('InstanceNormalization normalizes each (n, c) plane', async () => {
  const y = await runTensor('InstanceNormalization', [f32([1, 3, 2, 2], [1, 2, 2]), f32([2, 3]), f32([0, 5])], { epsilon: 0.25 });
  // Plane 0: mean 2, variance 1 → ±1/sqrt(1.25); plane 1 is constant, so only its bias remains.
  const r = 1 / Math.sqrt(1.25);
  close(y, [-2 * r, 2 * r, 5, 5]);
});

test('LayerNormalization normalizes rows from axis on and returns Mean and InvStdDev', async () => {
  const x = f32([1, 3, 2, 6], [2, 2]);
  const [y, mean, invStdDev] = await runNode('LayerNormalization', [x, f32([1, 2]), f32([0, 1])], { epsilon: 0 }, { outputs: 3 });
  close(y, [-1, 3, -1, 3], [2, 2]);
  close(mean, [2, 4], [2, 1]);
  close(invStdDev, [1, 0.5], [2, 1]);
  assert.is((mean as Tensor).type, 'float32');
  // axis 0 normalizes the whole tensor: mean 3, variance 3.5.
  const all = await runTensor('LayerNormalization', [x, f32([1, 1, 1, 1], [2, 2])], { axis: 0, epsilon: 0 });
  const s = Math.sqrt(3.5);
  close(all, [-2 / s, 0, -1 / s, 3 / s]);
  await rejects(() => runTensor('LayerNormalization', [x, f32([1, 2, 3])]), /Scale \[3\] does not broadcast/);
  await rejects(() => runTensor('LayerNormalization', [x, f32([1, 2])], { axis: 2 }), /axis 2 is out of range/);
});

test('GroupNormalization: scale and bias per channel from opset 21, per group in opset 18', async () => {
  const x = f32([1, 3, 5, 7], [1, 4, 1]);
  const y = await runTensor('GroupNormalization', [x, f32([1, 2, 3, 4]), f32([0, 0, 0, 1])], { num_groups: 2, epsilon: 0 });
  close(y, [-1, 2, -3, 5]);
  const old = await runTensor('GroupNormalization', [x, f32([1, 2]), f32([0, 1])], { num_groups: 2, epsilon: 0 }, { opset: 18 });
  close(old, [-1, 1, -1, 3]);
  await rejects(() => runTensor('GroupNormalization', [x, f32([1, 2, 3, 4]), f32([0, 0, 0, 1])], { num_groups: 3 }), /must be positive and divide the 4 channels/);
});

test('RMSNormalization divides by the root mean square and scales', async () => {
  const y = await runTensor('RMSNormalization', [f32([3, 4], [1, 2]), f32([1, 2])], { epsilon: 0 });
  const rms = Math.sqrt(12.5);
  close(y, [3 / rms, 8 / rms]);
});

test('LRN sums squares over the channel window, lopsided for an even size', async () => {
  const x = f32([1, 2, 3], [1, 3, 1, 1]);
  close(await runTensor('LRN', [x], { size: 3, alpha: 3, beta: 1, bias: 1 }), [1 / 6, 2 / 15, 3 / 14]);
  close(await runTensor('LRN', [x], { size: 2, alpha: 2, beta: 1, bias: 1 }), [1 / 6, 2 / 14, 3 / 10]);
});

test('LpNormalization divides by the L2 or L1 norm; a zero vector stays zero', async () => {
  const x = f32([3, 4, 0, 0], [2, 2]);
  close(await runTensor('LpNormalization', [x]), [0.6, 0.8, 0, 0]);
  close(await runTensor('LpNormalization', [f32([3, -4, 1, 0], [2, 2])], { axis: 0, p: 1 }), [0.75, -1, 0.25, 0]);
  await rejects(() => runTensor('LpNormalization', [x], { p: 3 }), /p must be 1 or 2/);
});

test('MeanVarianceNormalization normalizes over N, H, W by default', async () => {
  const y = await runTensor('MeanVarianceNormalization', [f32([1, 3, 5, 7], [2, 1, 1, 2])]);
  const s = Math.sqrt(5) + 1e-9;
  close(y, [-3 / s, -1 / s, 1 / s, 3 / s]);
});

test.run();
