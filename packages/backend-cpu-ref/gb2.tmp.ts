import { gemm } from './src/util/gemm.js';
const [M, N, K] = [64, 50176, 576];
const a = Float32Array.from({ length: M * K }, () => Math.random());
const b = Float32Array.from({ length: K * N }, () => Math.random());
const c = new Float32Array(M * N);
for (let r = 0; r < 4; r++) {
  const t = performance.now();
  gemm({ transA: false, transB: false, M, N, K, alpha: 1, a, aOffset: 0, lda: K, b, bOffset: 0, ldb: N, beta: 0, c, cOffset: 0, ldc: N });
  const dt = performance.now() - t;
  console.log(dt.toFixed(0), (2 * M * N * K / dt / 1e6).toFixed(2));
}
