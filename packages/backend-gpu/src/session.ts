/**
 * What the gpu backend holds for one session: the GPU copies of the model's constants (weights), uploaded once and
 * shared by every run. Each upload hands out a new tensor on the cached storage, so the executor disposing that
 * tensor after the kernel call leaves the cached copy alone; release() frees the copies and empties the buffer pool.
 */
import { isModelConstant, type BackendSession, type Tensor } from '@onnx-ts/core';
import type { GpuContext } from './context.js';
import { GPU_LOCATION, GpuData, sharedTensor, uploadTensor, uploadedData } from './tensors.js';

/** A session dropped without release(): its copies are forgotten with it (see GpuContext.forget). */
const abandoned = new FinalizationRegistry<Map<Tensor, GpuData>>((weights) => {
  for (const data of weights.values()) data.release(true);
});

export class GpuSession implements BackendSession {
  /** GPU storage of each model constant this session uploaded, on the device it was uploaded to. */
  private readonly weights = new Map<Tensor, GpuData>();
  private released = false;

  constructor(
    /** The device in use now (the backend reopens it after releaseGpu). */
    private readonly currentContext: () => Promise<GpuContext>,
    /** The device this session last used, whose pool release() empties. */
    private context: GpuContext,
  ) {
    abandoned.register(this, this.weights, this);
  }

  async upload(t: Tensor): Promise<Tensor> {
    if (t.location === GPU_LOCATION) return t;
    const context = await this.currentContext();
    this.context = context;
    // A run still going when the session is released uploads without caching, so nothing outlives release().
    if (this.released || !isModelConstant(t)) return uploadTensor(t, context);
    let cached = this.weights.get(t);
    if (cached?.context !== context) {
      // First use, or the device was reopened (releaseGpu) and the old copy went with the old one.
      cached?.release();
      cached = uploadedData(t, context);
      this.weights.set(t, cached);
    }
    return sharedTensor(t, cached);
  }

  release(): void {
    abandoned.unregister(this);
    this.released = true;
    for (const data of this.weights.values()) data.release(false, true);
    this.weights.clear();
    this.context.trimPool();
  }

  /** How many model constants this session keeps on the GPU. */
  get cachedWeights(): number {
    return this.weights.size;
  }
}
