/**
 * The accelerated CPU backend ('cpu'): float32 kernels in WebAssembly SIMD (AssemblyScript, compiled by the build),
 * split over worker threads that share the module's memory. Every node it has no kernel for, and every input type
 * other than float32, falls back to 'cpu-ref' per node.
 *
 * Kernel outputs are tensors resident in the WebAssembly memory (location 'wasm'), freed there when the executor
 * disposes them; CPU inputs are read where they are. A model's weights are packed into that memory on their first use
 * by a session and freed when the last session using them is released.
 *
 * Threads: the session option intraOpNumThreads, else configure({ threads }), else the environment variable
 * ONNX_TS_THREADS, else every core (browsers: hardwareConcurrency when cross-origin isolated, otherwise 1).
 */
import { registerBackend, type Backend, type BackendSessionOptions } from '@onnx-ts/core';
import '@onnx-ts/backend-cpu-ref';
import { kernels } from './kernels.js';
import { CpuSession } from './runtime/constants.js';
import { activeThreads, defaultThreads, setThreads } from './runtime/pool.js';
import { WASM_LOCATION, download, upload } from './runtime/resident.js';
import { wasmRuntime } from './runtime/wasm.js';

export const backendName = 'cpu';

let configuredThreads: number | undefined;

/** Sets the thread count used when a session does not pass intraOpNumThreads. */
export async function configure(options: { threads?: number }): Promise<void> {
  if (options.threads !== undefined) {
    configuredThreads = options.threads;
    await setThreads(options.threads);
  }
}

function threadsFromEnvironment(): number | undefined {
  const text = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.ONNX_TS_THREADS;
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`ONNX_TS_THREADS must be a positive integer, got '${text}'`);
  return n;
}

const cpu: Backend = {
  name: backendName,
  priority: 20,
  isAvailable: () => typeof WebAssembly === 'object' && typeof WebAssembly.Module === 'function',
  async init(options?: BackendSessionOptions) {
    wasmRuntime();
    const requested = options?.intraOpNumThreads;
    if (requested !== undefined && !(Number.isInteger(requested) && requested >= 0)) {
      throw new Error(`intraOpNumThreads must be a non-negative integer, got ${requested}`);
    }
    // 0 means the default, as in onnxruntime.
    const threads = (requested || undefined) ?? configuredThreads ?? threadsFromEnvironment() ?? (await defaultThreads());
    await setThreads(threads);
    return new CpuSession();
  },
  kernels,
  // Float32 outputs stay in the WebAssembly memory between this backend's nodes; other backends get CPU copies.
  location: WASM_LOCATION,
  upload,
  download,
};

registerBackend(cpu);

export default cpu;
export { cpu, kernels, activeThreads };
export { acceleratedCounts } from './ops/accelerate.js';
// The thread pool, for other modules' jobs (backend-arm runs its integer kernels on one).
export { createPool, type Pool, type PoolTarget } from './runtime/pool.js';
// Where a 1-D/2-D window sits, as this package's kernels see it (backend-arm's integer convolutions use it too).
export { planeGeometry, type Plane } from './ops/geometry.js';
