/**
 * The ARM-tuned backend ('arm'): integer kernels for quantized models (QLinearConv, QLinearMatMul, MatMulInteger,
 * ConvInteger, DynamicQuantizeLinear, QuantizeLinear/DequantizeLinear, and QDQ Conv/MatMul/Gemm run on integers)
 * in WebAssembly SIMD, using the relaxed-SIMD dot products that map to ARM's SDOT where the engine has them.
 * float32 nodes go to backend-cpu's kernels, so a whole model runs with executionProviders: ['arm'].
 */
import { registerBackend, type Backend, type BackendSessionOptions, type KernelSpec } from '@onnx-ts/core';
import '@onnx-ts/backend-cpu-ref';
import cpu from '@onnx-ts/backend-cpu';
import { applyConfig, armConfig, type ConfigureOptions } from './config.js';
import { fastPathCounts } from './delegate.js';
import type { DotMode } from './int-gemm.js';
import { armKernels } from './ops/index.js';
import { relaxedSimdRejected, relaxedSimdSupported, resetRuntime, runtime } from './runtime.js';

export const backendName = 'arm';

/** Kernels of 'arm': its own first, then backend-cpu's float32 kernels for the ops it does not wrap. */
const ownOps = new Set(armKernels.map((k) => k.op));
export const kernels: readonly KernelSpec<any>[] = [...armKernels, ...cpu.kernels.filter((k) => !ownOps.has(k.op))];

/**
 * Changes the backend's settings: `tiles` (GEMM cache blocking, { kc, nc }), `lowMemory` (no packed weights kept
 * between runs), `relaxedSimd` ('auto' | true | false).
 */
export function configure(options: ConfigureOptions): void {
  if (applyConfig(options)) resetRuntime();
}

/**
 * Which WebAssembly build runs the kernels ('relaxed-simd' or 'simd') and, for relaxed SIMD, how its dot product is
 * fed (one pass of whole bytes, or two 7-bit passes); whether the engine supports relaxed SIMD and whether its
 * relaxed build failed the self-test; the module's memory use.
 */
export function kernelInfo(): {
  build: 'simd' | 'relaxed-simd';
  dotMode?: DotMode;
  relaxedSimdSupported: boolean;
  relaxedSimdRejected: boolean;
  memoryBytes: number;
  liveBytes: number;
} {
  const rt = runtime();
  return {
    build: rt.build, dotMode: rt.relaxed ? rt.dotMode : undefined, relaxedSimdSupported: relaxedSimdSupported(),
    relaxedSimdRejected: relaxedSimdRejected(), ...rt.memoryStats(),
  };
}

/** Preferred over 'cpu' by default only on ARM hosts; elsewhere it runs when asked for by name. */
const onArmHost = typeof process !== 'undefined' && process.arch === 'arm64';

const arm: Backend = {
  name: backendName,
  priority: onArmHost ? 25 : 5,
  isAvailable: () => typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function' && cpu.isAvailable() === true,
  async init(options: BackendSessionOptions) {
    runtime();
    await cpu.init?.(options);
  },
  kernels,
};

registerBackend(arm);

export default arm;
export { arm, armConfig, fastPathCounts };
export type { ConfigureOptions };
