/**
 * The WebGPU backend ('gpu', alias 'webgpu'): WGSL compute kernels on `navigator.gpu` in browsers and on Dawn (the
 * `webgpu` package) in Node. Tensors stay on the GPU between GPU kernels; the executor moves them at the boundaries
 * through upload/download.
 */
import { registerBackend, type Backend, type BackendSessionOptions, type Tensor } from '@onnx-ts/core';
import type { GpuSetup } from './adapter.js';
import { GpuContext, type GpuStats } from './context.js';
import { delegationCounts, setContextSource } from './define.js';
import { kernels } from './kernels.js';
import { GpuSession } from './session.js';
import { GPU_LOCATION, disposeTensor, downloadTensor, uploadTensor } from './tensors.js';

let setup: GpuSetup = {};
let opening: Promise<GpuContext> | undefined;
/** Why the device could not be opened, for unavailableReason. */
let failure: string | undefined;
/** The adapter of the open device, for describe. */
let adapter: string | undefined;

/** The device, opened on first use. */
export function gpuContext(): Promise<GpuContext> {
  opening ??= GpuContext.create(setup).then(
    (context) => {
      adapter = context.label;
      return context;
    },
    (e: unknown) => {
      opening = undefined;
      throw e;
    },
  );
  return opening;
}

setContextSource(gpuContext);

/** Chooses how the backend finds its GPU (a GPU object, Dawn flags); call before the first session. */
export async function configureGpu(options: GpuSetup): Promise<void> {
  await releaseGpu();
  setup = options;
}

/**
 * What the device holds now (zeros when none is open): buffers alive and pooled, bytes uploaded. A session's
 * release() frees its cached weights and empties the pool.
 */
export async function gpuStats(): Promise<GpuStats> {
  const current = await opening?.catch(() => undefined);
  return current?.stats() ?? { liveBuffers: 0, liveBytes: 0, pooledBuffers: 0, pooledBytes: 0, uploadedBytes: 0 };
}

/** Destroys the device with every buffer and pipeline; the next session opens a new one. */
export async function releaseGpu(): Promise<void> {
  const current = opening;
  opening = undefined;
  adapter = undefined;
  if (current) (await current.catch(() => undefined))?.destroy();
}

export interface GpuBackend extends Backend {
  /** Frees everything the backend holds on the GPU (see releaseGpu). */
  release(): Promise<void>;
}

export const gpuBackend: GpuBackend = {
  name: 'gpu',
  aliases: ['webgpu'],
  // Below 'cpu': a software adapter is slower than WebAssembly, so sessions use the GPU when they name it.
  priority: 15,
  async isAvailable() {
    try {
      await gpuContext();
      failure = undefined;
      return true;
    } catch (e) {
      failure = (e as Error).message;
      return false;
    }
  },
  unavailableReason: () => failure,
  describe: () => adapter,
  async init(options: BackendSessionOptions) {
    const context = await gpuContext();
    if (options.logSeverityLevel === 0) console.debug(`[onnx-ts] gpu adapter: ${context.label}`);
    return new GpuSession(gpuContext, context);
  },
  kernels,
  location: GPU_LOCATION,
  upload: async (t: Tensor) => uploadTensor(t, await gpuContext()),
  download: async (t: Tensor) => downloadTensor(t, await gpuContext()),
  dispose: disposeTensor,
  release: releaseGpu,
};

registerBackend(gpuBackend);

export default gpuBackend;
export { kernels, delegationCounts, GpuContext };
export type { GpuSetup, GpuStats };
