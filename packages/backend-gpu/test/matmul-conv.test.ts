// GEMM-shaped kernels against cpu-ref, in both forms (the tiled one GPUs use and the register-blocked one for
// adapters that run shaders on the CPU): MatMul with broadcasting batches and 1-D operands, Gemm with transposes,
// bias broadcasting and B too large for one binding, Conv with groups, depthwise, dilations, pads and strides.
import { test } from 'uvu';
import { gpuContext } from '../src/index.js';
import '@onnx-ts/optimizer';
import { fusedBackend } from '@onnx-ts/optimizer';
import { registerBackend } from '@onnx-ts/core';
import { matchesReference, random, randomTensor, withGemmForm } from './harness.js';

// The reference for the fused ops: the optimizer's kernels, run when cpu-ref is asked for them.
registerBackend(fusedBackend);

const next = random(11);
const tol = { rtol: 1e-3, atol: 1e-4 };
const forms = [false, true];

test('MatMul over odd sizes, batches that broadcast, and 1-D operands', async () => {
  const cases: [number[], number[]][] = [
    [[1, 1], [1, 1]], [[5, 7], [7, 3]], [[33, 17], [17, 65]], [[64, 64], [64, 64]], [[2, 3, 8, 12], [12, 20]],
    [[4, 1, 5, 6], [3, 6, 2]], [[7], [7, 5]], [[6, 4], [4]], [[9], [9]], [[2, 0, 3], [3, 4]], [[3, 0], [0, 5]],
  ];
  for (const registers of forms) {
    await withGemmForm(registers, async () => {
      for (const [a, b] of cases) {
        await matchesReference({ op: 'MatMul', inputs: [randomTensor('float32', a, next), randomTensor('float32', b, next)] }, { tol });
      }
      await matchesReference({ op: 'MatMul', inputs: [randomTensor('float16', [9, 16], next), randomTensor('float16', [16, 12], next)] }, { tol: { rtol: 5e-3, atol: 5e-3 } });
    });
  }
});

test('Gemm with transposes, alpha/beta and every bias shape', async () => {
  for (const registers of forms) {
    await withGemmForm(registers, async () => {
      for (const [transA, transB] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const [M, K, N] = [13, 24, 19];
        const a = randomTensor('float32', transA ? [K, M] : [M, K], next);
        const b = randomTensor('float32', transB ? [N, K] : [K, N], next);
        for (const cDims of [[], [N], [1, N], [M, 1], [M, N]]) {
          await matchesReference({ op: 'Gemm', inputs: [a, b, randomTensor('float32', cDims, next)], attrs: { transA, transB, alpha: 0.5, beta: 2 } }, { tol });
        }
        await matchesReference({ op: 'Gemm', inputs: [a, b], attrs: { transA, transB } }, { tol });
      }
    });
  }
});

test('a Gemm whose B exceeds the binding limit runs in slices of B', async () => {
  const gpu = await gpuContext();
  const limits = gpu.limits as { maxBindingBytes: number };
  const saved = limits.maxBindingBytes;
  limits.maxBindingBytes = 64 * 1024;
  try {
    const a = randomTensor('float32', [2, 256], next);
    const b = randomTensor('float32', [300, 256], next);
    for (const registers of forms) {
      await withGemmForm(registers, () => matchesReference({ op: 'Gemm', inputs: [a, b, randomTensor('float32', [300], next)], attrs: { transB: 1 } }, { tol }));
    }
  } finally {
    limits.maxBindingBytes = saved;
  }
});

test('Conv: plain, padded, strided, dilated, grouped, depthwise, 1x1, 1-D, with and without bias', async () => {
  const configs: { x: number[]; w: number[]; attrs: Record<string, number | number[] | string>; bias?: boolean }[] = [
    { x: [1, 3, 9, 9], w: [4, 3, 3, 3], attrs: {} },
    { x: [2, 3, 10, 7], w: [5, 3, 3, 2], attrs: { pads: [1, 0, 2, 1], strides: [2, 1] }, bias: true },
    { x: [1, 4, 11, 11], w: [6, 4, 3, 3], attrs: { dilations: [2, 2], pads: [2, 2, 2, 2] }, bias: true },
    { x: [1, 6, 8, 8], w: [4, 3, 3, 3], attrs: { group: 2, pads: [1, 1, 1, 1] } },
    { x: [2, 8, 9, 9], w: [8, 1, 3, 3], attrs: { group: 8, strides: [2, 2], pads: [1, 1, 1, 1] }, bias: true },
    { x: [1, 4, 6, 6], w: [8, 1, 3, 3], attrs: { group: 4 } },
    { x: [1, 16, 7, 7], w: [9, 16, 1, 1], attrs: {}, bias: true },
    { x: [1, 8, 4, 4], w: [12, 8, 1, 1], attrs: {} },
    { x: [1, 3, 17], w: [2, 3, 4], attrs: { strides: [3], pads: [1, 2] } },
    { x: [1, 2, 7, 8], w: [3, 2, 3, 3], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } },
    { x: [1, 2, 7, 8], w: [3, 2, 4, 4], attrs: { auto_pad: 'SAME_LOWER' } },
    { x: [1, 1, 5, 5], w: [70, 1, 2, 2], attrs: { auto_pad: 'VALID' } },
  ];
  for (const registers of forms) {
    await withGemmForm(registers, async () => {
      for (const c of configs) {
        const inputs = [randomTensor('float32', c.x, next), randomTensor('float32', c.w, next)];
        if (c.bias) inputs.push(randomTensor('float32', [c.w[0]], next));
        await matchesReference({ op: 'Conv', inputs, attrs: c.attrs }, { tol });
      }
      await matchesReference({ op: 'Conv', inputs: [randomTensor('float16', [1, 4, 6, 6], next), randomTensor('float16', [3, 4, 3, 3], next)] }, { tol: { rtol: 5e-3, atol: 1e-2 } });
    });
  }
});

test('Conv that the kernels do not cover (3-D) runs on cpu-ref and still matches', async () => {
  await matchesReference({ op: 'Conv', inputs: [randomTensor('float32', [1, 2, 4, 4, 4], next), randomTensor('float32', [3, 2, 2, 2, 2], next)] }, { tol, allowFallback: true });
});

test('fused Conv/Gemm/MatMul + activation (com.onnx-ts) match the optimizer\'s reference kernels', async () => {
  const x = randomTensor('float32', [1, 4, 7, 7], next);
  const w = randomTensor('float32', [6, 4, 3, 3], next);
  const activations: [string, number[]][] = [['Relu', []], ['Sigmoid', []], ['Tanh', []], ['LeakyRelu', [0.2]], ['HardSigmoid', [0.3, 0.4]], ['Clip', [-0.5, 0.5]], ['Gelu', [0]], ['Gelu', [1]]];
  for (const registers of forms) {
    await withGemmForm(registers, async () => {
      for (const [activation, params] of activations) {
        const attrs = { activation, activation_params: params };
        await matchesReference({ op: 'FusedConv', domain: 'com.onnx-ts', inputs: [x, w, randomTensor('float32', [6], next)], attrs: { ...attrs, pads: [1, 1, 1, 1] } }, { tol });
        await matchesReference({ op: 'FusedGemm', domain: 'com.onnx-ts', inputs: [randomTensor('float32', [5, 8], next), randomTensor('float32', [3, 8], next), randomTensor('float32', [3], next)], attrs: { ...attrs, transB: 1 } }, { tol });
        await matchesReference({ op: 'FusedMatMul', domain: 'com.onnx-ts', inputs: [randomTensor('float32', [2, 5, 8], next), randomTensor('float32', [8, 3], next)], attrs }, { tol });
      }
    });
  }
  // A 3-D convolution runs its Conv on cpu-ref and the activation on the GPU.
  await matchesReference({ op: 'FusedConv', domain: 'com.onnx-ts', inputs: [randomTensor('float32', [1, 2, 3, 3, 3], next), randomTensor('float32', [2, 2, 2, 2, 2], next)], attrs: { activation: 'Relu' } }, { tol, allowFallback: true });
});

test.run();
