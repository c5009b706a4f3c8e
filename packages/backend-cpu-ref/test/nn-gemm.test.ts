// The shared GEMM (util/gemm.ts) against a plain triple loop written here, and the Gemm operator against values
// worked out by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { gemm } from '../src/util/gemm.js';
import { f32, i32, i64, plain, rejects, runTensor } from './tensor-harness.js';

/** A seeded generator so failures reproduce. */
function numbers(count: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: count }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, tolerance = 1e-5): void {
  assert.is(got.length, want.length, 'length');
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tolerance * (1 + Math.abs(want[i])))) {
      assert.unreachable(`element ${i}: got ${got[i]}, want ${want[i]}`);
    }
  }
}

test('gemm matches the definition for every transpose combination, blocked and direct sizes', () => {
  for (const [M, N, K] of [[1, 1, 1], [2, 3, 4], [5, 7, 300], [37, 65, 300], [100, 130, 520], [4, 2100, 40], [70, 3, 9]]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = numbers(M * K, M + K);
        const b = numbers(K * N, N * 7 + K);
        const c0 = numbers(M * N, 99);
        const want = new Float64Array(M * N);
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < N; j++) {
            let sum = 0;
            for (let k = 0; k < K; k++) sum += (transA ? a[k * M + i] : a[i * K + k]) * (transB ? b[j * K + k] : b[k * N + j]);
            want[i * N + j] = 1.5 * sum - 0.5 * c0[i * N + j];
          }
        }
        const c = Float32Array.from(c0);
        gemm({
          transA, transB, M, N, K, alpha: 1.5, beta: -0.5,
          a, aOffset: 0, lda: transA ? M : K, b, bOffset: 0, ldb: transB ? K : N, c, cOffset: 0, ldc: N,
        });
        close(c, want);
      }
    }
  }
});

test('gemm honours offsets and leading dimensions, and touches nothing outside C', () => {
  // A is the 2x2 block at row 1, col 1 of a 3x4 matrix; B the 2x2 block at offset 2 of a 2x3; C a 2x2 block of a 3x5.
  const a = Float64Array.from([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0]);
  const b = Float64Array.from([9, 9, 5, 6, 9, 7, 8]);
  const c = new Float64Array(15).fill(-1);
  gemm({ transA: false, transB: false, M: 2, N: 2, K: 2, alpha: 1, beta: 0, a, aOffset: 5, lda: 4, b, bOffset: 2, ldb: 3, c, cOffset: 6, ldc: 5 });
  // [[1,2],[3,4]] · [[5,6],[7,8]] = [[19,22],[43,50]]
  assert.equal([...c], [-1, -1, -1, -1, -1, -1, 19, 22, -1, -1, -1, 43, 50, -1, -1]);
});

test('gemm with beta 0 overwrites C, so NaN in C does not leak; K = 0 leaves beta·C', () => {
  const c = Float32Array.from([NaN, NaN]);
  gemm({ transA: false, transB: false, M: 1, N: 2, K: 1, alpha: 1, beta: 0, a: f32([2]).data as Float32Array, aOffset: 0, lda: 1, b: Float32Array.from([3, 4]), bOffset: 0, ldb: 2, c, cOffset: 0, ldc: 2 });
  assert.equal([...c], [6, 8]);
  const d = Float32Array.from([1, 2]);
  gemm({ transA: false, transB: false, M: 1, N: 2, K: 0, alpha: 1, beta: 3, a: new Float32Array(0), aOffset: 0, lda: 0, b: new Float32Array(0), bOffset: 0, ldb: 2, c: d, cOffset: 0, ldc: 2 });
  assert.equal([...d], [3, 6]);
});

test('gemm refuses matrices that overrun their arrays', () => {
  const a = new Float32Array(5);
  const b = new Float32Array(6);
  const c = new Float32Array(4);
  assert.throws(() => gemm({ transA: false, transB: false, M: 2, N: 2, K: 3, alpha: 1, beta: 0, a, aOffset: 0, lda: 3, b, bOffset: 0, ldb: 2, c, cOffset: 0, ldc: 2 }), /A \(2x3.*exceeds its 5 elements/);
  assert.throws(() => gemm({ transA: false, transB: false, M: 2, N: 2, K: 3, alpha: 1, beta: 0, a: new Float32Array(6), aOffset: 0, lda: 2, b, bOffset: 0, ldb: 2, c, cOffset: 0, ldc: 2 }), /leading dimension of A/);
});

test('Gemm computes alpha·A·B + beta·C with C broadcast from a row', async () => {
  const a = f32([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = f32([1, 0, 0, 1, 1, 1], [3, 2]);
  // A·B = [[1+3, 2+3], [4+6, 5+6]] = [[4, 5], [10, 11]]
  const y = await runTensor('Gemm', [a, b, f32([10, 20])], { alpha: 2, beta: 0.5 });
  assert.equal(plain(y), { dims: [2, 2], data: [13, 20, 25, 32] });
});

test('Gemm transposes A and B on request', async () => {
  const at = f32([1, 4, 2, 5, 3, 6], [3, 2]);
  const bt = f32([1, 0, 1, 0, 1, 1], [2, 3]);
  const y = await runTensor('Gemm', [at, bt, f32([0], [1])], { transA: 1, transB: 1 });
  assert.equal(plain(y).data, [4, 5, 10, 11]);
});

test('Gemm without C from opset 11, but not before', async () => {
  const y = await runTensor('Gemm', [f32([1, 2], [1, 2]), f32([3, 4], [2, 1])], {}, { opset: 11 });
  assert.equal(plain(y), { dims: [1, 1], data: [11] });
  await rejects(() => runTensor('Gemm', [f32([1, 2], [1, 2]), f32([3, 4], [2, 1])], {}, { opset: 9 }), /C is required before opset 11/);
});

test('Gemm C broadcasting: opset 6 needs broadcast=1, and a C that cannot broadcast is refused', async () => {
  const a = f32([1, 0, 0, 1], [2, 2]);
  const b = f32([1, 2, 3, 4], [2, 2]);
  await rejects(() => runTensor('Gemm', [a, b, f32([1, 1])], {}, { opset: 6 }), /does not broadcast/);
  const y = await runTensor('Gemm', [a, b, f32([1, 1])], { broadcast: 1 }, { opset: 6 });
  assert.equal(plain(y).data, [2, 3, 4, 5]);
  await rejects(() => runTensor('Gemm', [a, b, f32([1, 1, 1])]), /C \[3\] does not broadcast to the \[2, 2\] result/);
  await rejects(() => runTensor('Gemm', [a, f32([1, 2, 3], [3, 1])]), /inner dims must match/);
});

test('Gemm on integers is exact, int64 included', async () => {
  const y = await runTensor('Gemm', [i32([3, 4], [1, 2]), i32([5, 6], [2, 1]), i32([1], [1])], { beta: 2 });
  assert.equal(plain(y), { dims: [1, 1], data: [41] });
  const big = await runTensor('Gemm', [i64([2n ** 40n], [1, 1]), i64([2n ** 20n + 1n], [1, 1]), i64([1n], [1])]);
  assert.equal(plain(big).data, [2n ** 60n + 2n ** 40n + 1n]);
  await rejects(() => runTensor('Gemm', [i32([1], [1, 1]), i32([1], [1, 1]), i32([1], [1])], { alpha: 0.5 }), /whole numbers/);
});

test('Gemm keeps float16 inputs in float16', async () => {
  const half = (values: number[], dims: number[]) => new Tensor('float16', Uint16Array.from(values.map((v) => (v === 1 ? 0x3c00 : v === 2 ? 0x4000 : 0))), dims);
  const y = await runTensor('Gemm', [half([1, 2], [1, 2]), half([2, 1], [2, 1]), half([0], [1])]);
  assert.is(y.type, 'float16');
  assert.equal([...(y.data as Uint16Array)], [0x4400]); // 1·2 + 2·1 = 4
});

test.run();
