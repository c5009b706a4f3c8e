/**
 * The ARM-tuned backend ('arm'): integer kernels for quantized models (QLinearConv, QLinearMatMul, MatMulInteger,
 * ConvInteger, DynamicQuantizeLinear, QuantizeLinear/DequantizeLinear, and QDQ Conv/MatMul/Gemm run on integers)
 * in WebAssembly SIMD, using the relaxed-SIMD dot products that map to ARM's SDOT where the engine has them.
 * float32 nodes go to backend-cpu's kernels, so a whole model runs with executionProviders: ['arm']. The integer
 * GEMMs run on worker threads like backend-cpu's kernels (the session option intraOpNumThreads).
 */
import { registerBackend, type Backend, type BackendSessionOptions, type KernelSpec } from '@onnx-ts/core';
import '@onnx-ts/backend-cpu-ref';
import cpu, { activeThreads } from '@onnx-ts/backend-cpu';
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
 * relaxed build failed the self-test; the module's memory use; how many threads its GEMMs run on.
 */
export function kernelInfo(): {
  build: 'simd' | 'relaxed-simd';
  dotMode?: DotMode;
  relaxedSimdSupported: boolean;
  relaxedSimdRejected: boolean;
  memoryBytes: number;
  liveBytes: number;
  threads: number;
} {
  const rt = runtime();
  return {
    build: rt.build, dotMode: rt.relaxed ? rt.dotMode : undefined, relaxedSimdSupported: relaxedSimdSupported(),
    relaxedSimdRejected: relaxedSimdRejected(), ...rt.memoryStats(), threads: rt.pool.activeThreads(),
  };
}

/** Preferred over 'cpu' by default only on ARM hosts; elsewhere it runs when asked for by name. */
const onArmHost = typeof process !== 'undefined' && process.arch === 'arm64';

const arm: Backend = {
  name: backendName,
  priority: onArmHost ? 25 : 5,
  isAvailable: () => typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function' && cpu.isAvailable() === true,
  async init(options: BackendSessionOptions) {
    const rt = runtime();
    const session = await cpu.init?.(options);
    // The integer kernels use as many threads as backend-cpu's (intraOpNumThreads, else its configured default).
    await rt.pool.setThreads(activeThreads());
    return session;
  },
  kernels,
  // backend-cpu's kernels leave float32 outputs in its WebAssembly memory; they move as its tensors do.
  location: cpu.location,
  upload: cpu.upload,
  download: cpu.download,
};

registerBackend(arm);

export default arm;
export { arm, armConfig, fastPathCounts };
export type { ConfigureOptions };
