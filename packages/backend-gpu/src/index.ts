/**
 * The WebGPU backend ('gpu', alias 'webgpu'): WGSL compute kernels on `navigator.gpu` in browsers and on Dawn (the
 * `webgpu` package) in Node. Tensors stay on the GPU between GPU kernels; the executor moves them at the boundaries
 * through upload/download.
 */
import { registerBackend, type Backend, type BackendSessionOptions, type Tensor } from '@onnx-ts/core';
import type { GpuSetup } from './adapter.js';
import { GpuContext } from './context.js';
import { delegationCounts, setContextSource } from './define.js';
import { kernels } from './kernels.js';
import { GPU_LOCATION, disposeTensor, downloadTensor, uploadTensor } from './tensors.js';

let setup: GpuSetup = {};
let opening: Promise<GpuContext> | undefined;
let warned = false;

/** The device, opened on first use. */
export function gpuContext(): Promise<GpuContext> {
  opening ??= GpuContext.create(setup).catch((e: unknown) => {
    opening = undefined;
    throw e;
  });
  return opening;
}

setContextSource(gpuContext);

/** Chooses how the backend finds its GPU (a GPU object, Dawn flags); call before the first session. */
export async function configureGpu(options: GpuSetup): Promise<void> {
  await releaseGpu();
  setup = options;
}

/** Destroys the device with every buffer and pipeline; the next session opens a new one. */
export async function releaseGpu(): Promise<void> {
  const current = opening;
  opening = undefined;
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
      return true;
    } catch (e) {
      if (!warned) console.warn(`[onnx-ts] gpu backend unavailable: ${(e as Error).message}`);
      warned = true;
      return false;
    }
  },
  async init(options: BackendSessionOptions) {
    const context = await gpuContext();
    if (options.logSeverityLevel === 0) console.debug(`[onnx-ts] gpu adapter: ${context.label}`);
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
export type { GpuSetup };
