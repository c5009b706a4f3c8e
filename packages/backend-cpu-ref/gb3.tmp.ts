import { gemm } from './src/util/gemm.js';
function bench(M: number, N: number, K: number, tA = false, tB = false) {
  const a = Float32Array.from({ length: M * K }, () => Math.random());
  const b = Float32Array.from({ length: K * N }, () => Math.random());
  const c = new Float32Array(M * N);
  let best = Infinity;
  for (let r = 0; r < 6; r++) {
    const t = process.cpuUsage();
    gemm({ transA: tA, transB: tB, M, N, K, alpha: 1, a, aOffset: 0, lda: tA ? M : K, b, bOffset: 0, ldb: tB ? K : N, beta: 0, c, cOffset: 0, ldc: N });
    const u = process.cpuUsage(t);
    best = Math.min(best, (u.user + u.system) / 1000);
  }
  console.log(`M${M} N${N} K${K}${tB ? ' tB' : ''}: best ${best.toFixed(0)}ms ${(2 * M * N * K / best / 1e6).toFixed(2)} GF/s`);
}
bench(64, 50176, 576);
bench(64, 1820, 576);
bench(256, 3136, 2304);
bench(512, 196, 4608);
bench(128, 3136, 576, false, true);
