// The FFT behind DFT and STFT against a float64 DFT summed term by term and against identities worked out by hand, and
// the inverse DFT against the float32 rounding that the ONNX test data (numpy 2) records.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, decodeTensor } from '@onnx-ts/core';
import { doublePrecision, planFft } from '../src/ops/sequence/signal/fourier.js';
import { i64, runTensor } from './tensor-harness.js';

/** Σ x[t]·e^(∓2πi·kt/n) in float64, the exponent reduced mod n so that every angle is accurate. */
function naiveDft(x: Float64Array, forward: boolean): Float64Array {
  const n = x.length / 2;
  const out = new Float64Array(2 * n);
  const sign = forward ? -1 : 1;
  for (let k = 0; k < n; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      const angle = (sign * 2 * Math.PI * ((k * t) % n)) / n;
      re += x[2 * t] * Math.cos(angle) - x[2 * t + 1] * Math.sin(angle);
      im += x[2 * t] * Math.sin(angle) + x[2 * t + 1] * Math.cos(angle);
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

/** n complex float32 values in [-1, 1) from a fixed linear congruential sequence. */
function signal(n: number, seed: number): Float64Array {
  let state = seed;
  return Float64Array.from({ length: 2 * n }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return Math.fround(state / 2 ** 31 - 1);
  });
}

function transform(x: Float64Array, forward: boolean, round: (v: number) => number): Float64Array {
  const n = x.length / 2;
  const data = x.slice();
  planFft(n, round).transform(data, forward, forward ? 1 : round(1 / n));
  return data;
}

const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

// Lengths and the passes they take: 8, 64 radix 8 (64 with twiddles); 12 radix 4 then 3; 10 radix 2 then 5; 15, 49,
// 121 radices 3·5, 7·7, 11·11; 13, 26, 97 the generic prime pass, 169 the generic pass with twiddles; 101, 127, 1009
// Bluestein's algorithm (inner lengths 210, 256 and the odd 2025).
const lengths = [1, 2, 3, 4, 5, 7, 8, 10, 11, 12, 13, 15, 16, 26, 49, 64, 97, 101, 121, 127, 169, 1009];

test('single precision: every length within float32 rounding of the float64 DFT, both directions', () => {
  for (const n of lengths) {
    const x = signal(n, n);
    for (const forward of [true, false]) {
      const got = transform(x, forward, Math.fround);
      const want = naiveDft(x, forward).map((v) => (forward ? v : v / n));
      assert.ok(got.every((v) => Math.fround(v) === v), `n=${n}: results are float32 values`);
      const tolerance = 4e-7 * Math.log2(2 * n) * maxAbs(want);
      const err = maxDiff(got, want);
      assert.ok(err <= tolerance, `n=${n} ${forward ? 'forward' : 'inverse'}: error ${err} > ${tolerance}`);
    }
  }
});

test('double precision: every length within 1e-15 (relative) of the float64 DFT, and not float32-rounded', () => {
  for (const n of lengths) {
    const x = signal(n, 3 * n + 1);
    for (const forward of [true, false]) {
      const got = transform(x, forward, doublePrecision);
      const want = naiveDft(x, forward).map((v) => (forward ? v : v / n));
      const err = maxDiff(got, want);
      assert.ok(err <= 1e-15 * Math.log2(2 * n) * n * maxAbs(want), `n=${n}: error ${err}`);
    }
  }
  const single = transform(signal(49, 7), true, Math.fround);
  const double = transform(signal(49, 7), true, doublePrecision);
  assert.ok(single.some((v, i) => v !== double[i]), 'single precision rounds');
});

test('impulses: δ[0] transforms to exact ones (without Bluestein), δ[1] to the unit roots e^(-2πik/n)', () => {
  for (const n of [12, 13, 64, 169]) {
    const impulse = new Float64Array(2 * n);
    impulse[0] = 1;
    assert.ok(transform(impulse, true, Math.fround).every((v, i) => v === (i % 2 === 0 ? 1 : 0)), `n=${n}: δ[0]`);
  }
  for (const n of [12, 13, 64, 101, 1009]) {
    const shifted = new Float64Array(2 * n);
    shifted[2] = 1;
    const got = transform(shifted, true, Math.fround);
    for (let k = 0; k < n; k++) {
      const angle = (-2 * Math.PI * k) / n;
      const err = Math.hypot(got[2 * k] - Math.cos(angle), got[2 * k + 1] - Math.sin(angle));
      assert.ok(err <= 1e-6, `n=${n} k=${k}: ${got[2 * k]}, ${got[2 * k + 1]}`);
    }
  }
});

test('Parseval and the round trip: Σ|X|² = n·Σ|x|², inverse(forward(x)) = x, in single precision', () => {
  for (const n of [60, 101, 127, 169, 1009]) {
    const x = signal(n, 11 * n);
    const spectrum = transform(x, true, Math.fround);
    const energy = (a: Float64Array) => a.reduce((s, v) => s + v * v, 0);
    assert.ok(Math.abs(energy(spectrum) - n * energy(x)) <= 1e-5 * n * energy(x), `n=${n}: Parseval`);
    const back = transform(spectrum, false, Math.fround);
    assert.ok(maxDiff(back, x) <= 2e-6, `n=${n}: round trip off by ${maxDiff(back, x)}`);
  }
});

const nodeDir = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../../../shared/onnx-backend-test-data/node');

test('inverse DFT of float32 data rounds exactly like the ONNX test data (numpy 2 float32 pocketfft)', async () => {
  const dir = join(nodeDir, 'test_dft_inverse_opset19', 'test_data_set_0');
  assert.ok(existsSync(dir), `no test data in ${dir}`);
  const x = decodeTensor(readFileSync(join(dir, 'input_0.pb')));
  const expected = decodeTensor(readFileSync(join(dir, 'output_0.pb')));
  const got = await runTensor('DFT', [x], { inverse: 1, axis: 1 }, { opset: 19 });
  assert.equal(got.dims, expected.dims);
  // Imaginary parts that are 0 exactly carry 1.9e-7 of float32 rounding there; every value matches to the bit.
  assert.equal([...(got.data as Float32Array)], [...(expected.data as Float32Array)]);
});

test('a float64 inverse DFT stays in double precision', async () => {
  const n = 10;
  const x = signal(n, 5);
  const got = await runTensor('DFT', [new Tensor('float64', x, [1, n, 2]), i64([n], [])], { inverse: 1 }, { opset: 17 });
  assert.is(got.type, 'float64');
  const want = naiveDft(x, false).map((v) => v / n);
  assert.ok(maxDiff(got.data as Float64Array, want) <= 1e-15, `error ${maxDiff(got.data as Float64Array, want)}`);
});

test.run();
