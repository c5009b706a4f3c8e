import { Tensor } from '@onnx-ts/core';
import { kernels } from './src/ops/nn/index.js';
import { im2col, slidingWindow } from './src/ops/nn/window.js';
import { gemm } from './src/util/gemm.js';
const conv = kernels.find((k) => k.op === 'Conv')!;
const ctx: any = { opset: 13, outputUsed: [true], outputCount: 1, checkAllocation() {}, node: { name: 'c', opType: 'Conv', domain: '' } };
for (const [C, M, H] of [[64, 64, 224], [128, 128, 112], [256, 256, 56], [512, 512, 28], [512, 512, 14]]) {
  const x = new Tensor('float32', Float32Array.from({ length: C * H * H }, () => Math.random()), [1, C, H, H]);
  const w = new Tensor('float32', Float32Array.from({ length: M * C * 9 }, () => Math.random()), [M, C, 3, 3]);
  const attrs = { auto_pad: 'NOTSET', pads: [1, 1, 1, 1], strides: [1, 1], dilations: undefined, group: 1, kernel_shape: [3, 3] };
  conv.run([x, w], attrs as any, ctx);
  let t = performance.now();
  conv.run([x, w], attrs as any, ctx);
  const total = performance.now() - t;
  const win = slidingWindow('Conv', [H, H], [3, 3], attrs);
  const K = C * 9, N = H * H;
  const col = new Float32Array(K * N);
  t = performance.now();
  im2col(x.data as Float32Array, 0, C, win, 0, N, col);
  const ti = performance.now() - t;
  const out = new Float32Array(M * N);
  t = performance.now();
  gemm({ transA: false, transB: false, M, N, K, alpha: 1, beta: 0, a: w.data as Float32Array, aOffset: 0, lda: K, b: col, bOffset: 0, ldb: N, c: out, cOffset: 0, ldc: N });
  const tg = performance.now() - t;
  const gf = 2 * M * N * K / 1e9;
  console.log(`C${C} M${M} H${H}: conv ${total.toFixed(0)}ms (${(gf / total * 1000).toFixed(2)} GF/s), im2col ${ti.toFixed(0)}ms, gemm-full ${tg.toFixed(0)}ms (${(gf / tg * 1000).toFixed(2)} GF/s)`);
}
