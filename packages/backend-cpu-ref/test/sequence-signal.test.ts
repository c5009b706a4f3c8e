// DFT, STFT, the window ops and MelWeightMatrix against transforms worked out by hand from the definitions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, type Value } from '@onnx-ts/core';
import { f32, i32, i64, rejects, runTensor } from './tensor-harness.js';

function near(got: Tensor, dims: number[], expected: number[], type = 'float32'): void {
  assert.equal(got.type, type);
  assert.equal(got.dims, dims);
  const values = [...(got.data as Float32Array)];
  const ok = values.length === expected.length && values.every((v, i) => Math.abs(v - expected[i]) <= 1e-5 + 1e-5 * Math.abs(expected[i]));
  assert.ok(ok, `[${values}] vs [${expected}]`);
}

const dft17 = (inputs: (Value | undefined)[], attrs = {}) => runTensor('DFT', inputs, attrs, { opset: 17 });
const dft20 = (inputs: (Value | undefined)[], attrs = {}) => runTensor('DFT', inputs, attrs, { opset: 20 });
const signal = f32([1, 2, 3, 4], [1, 4, 1]);

test('DFT of a real signal: full, one-sided, zero-padded and truncated by dft_length', async () => {
  near(await dft17([signal]), [1, 4, 2], [10, 0, -2, 2, -2, 0, -2, -2]);
  near(await dft17([signal], { onesided: 1 }), [1, 3, 2], [10, 0, -2, 2, -2, 0]);
  near(await dft17([f32([1, 2], [1, 2, 1]), i64([4], [])]), [1, 4, 2], [3, 0, 1, -2, -1, 0, 1, 2]);
  near(await dft20([signal, i32([2], [])]), [1, 2, 2], [3, 0, -1, 0]);
});

test('inverse DFT: complex to complex, and one-sided complex to real (even and odd lengths)', async () => {
  const spectrum = f32([10, 0, -2, 2, -2, 0, -2, -2], [1, 4, 2]);
  near(await dft17([spectrum], { inverse: 1 }), [1, 4, 2], [1, 0, 2, 0, 3, 0, 4, 0]);
  near(await dft17([f32([10, 0, -2, 2, -2, 0], [1, 3, 2])], { inverse: 1, onesided: 1 }), [1, 4, 1], [1, 2, 3, 4]);
  const odd = f32([1, 2, 3, 4, 5], [1, 5, 1]);
  const half = await dft20([odd], { onesided: 1 });
  assert.equal(half.dims, [1, 3, 2]);
  near(await dft20([half, i64([5], [])], { inverse: 1, onesided: 1 }), [1, 5, 1], [1, 2, 3, 4, 5]);
});

test('DFT axis: an attribute in opset 17, an input (default -2) from opset 20; float64 stays float64', async () => {
  const grid = f32([1, 2, 3, 4], [1, 2, 2, 1]);
  near(await dft17([grid], { axis: 1 }), [1, 2, 2, 2], [4, 0, 6, 0, -2, 0, -2, 0]);
  near(await dft20([grid]), [1, 2, 2, 2], [3, 0, -1, 0, 7, 0, -1, 0]);
  near(await dft20([grid, undefined, i64([1], [])]), [1, 2, 2, 2], [4, 0, 6, 0, -2, 0, -2, 0]);
  const wide = new Tensor('float64', new Float64Array([1, 2, 3, 4]), [1, 4, 1]);
  near(await dft20([wide], { onesided: 1 }), [1, 3, 2], [10, 0, -2, 2, -2, 0], 'float64');
  await rejects(() => dft20([grid, undefined, i64([-1], [])]), /axis -1 is out of range/);
  await rejects(() => dft17([f32([1, 0], [1, 1, 2])], { onesided: 1 }), /one-sided forward DFT needs a real input/);
  await rejects(() => dft17([f32([1, 2, 3], [3])]), /input must be \[\.\.\., signal, 1 or 2\]/);
});

test('STFT frames the signal every frame_step, applies the window, keeps n/2 + 1 bins by default', async () => {
  const x = f32([1, 2, 3, 4, 5, 6], [1, 6, 1]);
  const step = i64([2], []);
  near(await runTensor('STFT', [x, step, undefined, i64([4], [])]), [1, 2, 3, 2], [10, 0, -2, 2, -2, 0, 18, 0, -2, 2, -2, 0]);
  const windowed = await runTensor('STFT', [x, step, f32([0, 1, 1, 0])]);
  near(windowed, [1, 2, 3, 2], [5, 0, -3, -2, 1, 0, 9, 0, -5, -4, 1, 0]);
  const full = await runTensor('STFT', [x, step, undefined, i64([4], [])], { onesided: 0 });
  assert.equal(full.dims, [1, 2, 4, 2]);
  await rejects(() => runTensor('STFT', [x, step]), /give 'window' or 'frame_length'/);
  await rejects(() => runTensor('STFT', [x, step, f32([1, 1]), i64([4], [])]), /window has 2 samples but frame_length is 4/);
  await rejects(() => runTensor('STFT', [x, step, undefined, i64([7], [])]), /frame length 7 must be in \[1, 6\]/);
});

test('window ops: periodic by default, symmetric with periodic=0, in the requested output type', async () => {
  near(await runTensor('HannWindow', [i64([4], [])]), [4], [0, 0.5, 1, 0.5]);
  near(await runTensor('HannWindow', [i32([5], [])], { periodic: 0 }), [5], [0, 0.5, 1, 0.5, 0]);
  near(await runTensor('HammingWindow', [i32([2], [])]), [2], [4 / 46, 1]);
  near(await runTensor('BlackmanWindow', [i32([3], [])], { periodic: 0, output_datatype: 11 }), [3], [0, 1, 0], 'float64');
  near(await runTensor('BlackmanWindow', [i32([0], [])]), [0], []);
  await rejects(() => runTensor('HannWindow', [i32([-1], [])]), /'size' must not be negative/);
  await rejects(() => runTensor('HannWindow', [i32([4], [])], { output_datatype: 8 }), /asks for string/);
});

test('MelWeightMatrix: a triangle rising to 1 at the middle band edge and falling to the top one', async () => {
  // Edges at mel 0, m/3 and 2m/3 for m = mel(6.6 Hz) fall on bins floor(9·hz/8) = 0, 2 and 4.
  const weights = await runTensor('MelWeightMatrix', [i32([1], []), i32([8], []), i32([8], []), f32([0], []), f32([6.6], [])]);
  near(weights, [5, 1], [0, 0.5, 1, 0.5, 0]);
  const flat = await runTensor('MelWeightMatrix', [i64([2], []), i64([4], []), i64([16], []), f32([0], []), f32([0], [])]);
  near(flat, [3, 2], [1, 1, 0, 0, 0, 0]);
  await rejects(() => runTensor('MelWeightMatrix', [i32([1], []), i32([8], []), i32([8], []), f32([5], []), f32([1], [])]),
    /need 0 <= lower_edge_hertz <= upper_edge_hertz/);
});

test.run();
