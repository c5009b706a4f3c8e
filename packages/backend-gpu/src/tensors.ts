/**
 * GPU tensors: a core Tensor at location 'gpu' whose handle is a GpuData. Several tensors may share one buffer
 * (Reshape, Squeeze and friends only change dims), so buffers are reference-counted and go back to the pool when the
 * last tensor using them is disposed (or, failing an explicit dispose, garbage-collected).
 *
 * Uploads are lazy: a CPU tensor moved to the GPU keeps its CPU data and gets a buffer only when a kernel binds it, so
 * shape-like int64 inputs (Reshape's shape, Slice's starts) are read on the CPU and never copied back and forth.
 */
/// <reference types="@webgpu/types" />
import { Tensor, type DType, type TypedArray } from '@onnx-ts/core';
import type { BufferBinding, GpuContext } from './context.js';
import { bufferBytes, fromStorage, storageKind, toStorage, type StorageKind } from './storage.js';

export const GPU_LOCATION = 'gpu';

/** The GPU storage tensors share: created when first bound (uploads are lazy), freed when its last tensor goes. */
interface SharedStorage {
  buffer: GPUBuffer | undefined;
  refs: number;
  /** Destroy the buffer when the last tensor goes instead of pooling it (its session was released). */
  discard: boolean;
}

export class GpuData {
  /** Undefined once released. */
  private storage: SharedStorage | undefined;

  constructor(
    readonly kind: StorageKind | undefined,
    /** The CPU tensor this came from (uploads), kept so its values can be read without a readback. */
    readonly cpu: Tensor | undefined,
    readonly context: GpuContext,
    storage: SharedStorage = { buffer: undefined, refs: 0, discard: false },
  ) {
    this.storage = storage;
    storage.refs++;
  }

  /** The buffer, uploading the CPU data first if the storage has none yet. */
  buffer(context: GpuContext, type: DType): GPUBuffer {
    const s = this.storage;
    if (!s) throw new Error('gpu: a disposed tensor was used');
    if (context !== this.context) throw new Error('gpu: a tensor of a released device was used (see releaseGpu)');
    if (!s.buffer) {
      if (!this.cpu || !this.kind) throw new Error(`gpu: a ${type} tensor cannot be stored on the GPU`);
      const data = toStorage(type, this.kind, this.cpu.data as TypedArray);
      const buffer = context.acquire(bufferBytes(this.kind, this.cpu.size));
      context.write(buffer, data);
      s.buffer = buffer;
    }
    return s.buffer;
  }

  /** A new handle on the same storage (for a tensor with other dims, or another use of a cached upload). */
  share(): GpuData {
    if (!this.storage) throw new Error('gpu: a disposed tensor was used');
    return new GpuData(this.kind, this.cpu, this.context, this.storage);
  }

  /**
   * Drops this handle's share. `collected`: the tensor was garbage-collected, so the buffer is forgotten rather than
   * pooled (see GpuContext.forget). `discard`: the buffer is destroyed, not pooled, once no handle is left.
   */
  release(collected = false, discard = false): void {
    const s = this.storage;
    if (!s) return;
    this.storage = undefined;
    s.discard ||= discard;
    if (--s.refs > 0 || !s.buffer) return;
    if (collected) this.context.forget(s.buffer);
    else if (s.discard) this.context.discard(s.buffer);
    else this.context.recycle(s.buffer);
  }
}

const collected = new FinalizationRegistry<GpuData>((data) => data.release(true));

function wrap<T extends DType>(type: T, dims: readonly number[], data: GpuData): Tensor<T> {
  const t: Tensor<T> = Tensor.onDevice(type, dims, GPU_LOCATION, data, {
    download: () => downloadTensor(t, data.context) as Promise<Tensor<T>>,
    // What the executor calls when the value is dead (and tensor.dispose() for the caller).
    dispose: () => disposeTensor(t),
  });
  collected.register(t, data, data);
  return t;
}

export function gpuData(t: Tensor): GpuData {
  if (t.location !== GPU_LOCATION || !(t.handle instanceof GpuData)) {
    throw new Error(`gpu: expected a tensor on the GPU, got one on '${t.location}'`);
  }
  return t.handle;
}

/** Moves a CPU tensor to the GPU (lazily: see the file comment). */
export function uploadTensor(t: Tensor, context: GpuContext): Tensor {
  if (t.location === GPU_LOCATION) return t;
  return wrap(t.type, t.dims, uploadedData(t, context));
}

/** Storage for a CPU tensor's data, filled when a kernel first binds it. */
export function uploadedData(t: Tensor, context: GpuContext): GpuData {
  return new GpuData(storageKind(t.type, context.hasF16), t, context);
}

/** A GPU tensor on storage that `data` holds (a cached upload): disposing the tensor leaves `data`'s share alone. */
export function sharedTensor(t: Tensor, data: GpuData): Tensor {
  return wrap(t.type, t.dims, data.share());
}

/** A new GPU tensor with fresh (uninitialized) storage for `type` and `dims`. */
export function allocTensor<T extends DType>(context: GpuContext, type: T, dims: readonly number[]): Tensor<T> {
  const kind = storageKind(type, context.hasF16);
  if (!kind) throw new Error(`gpu: a ${type} tensor cannot be stored on the GPU`);
  const count = dims.reduce((a, b) => a * b, 1);
  const buffer = context.acquire(bufferBytes(kind, count));
  return wrap(type, dims, new GpuData(kind, undefined, context, { buffer, refs: 0, discard: false }));
}

/** The same data with other dims (no copy). */
export function reshaped(t: Tensor, dims: readonly number[]): Tensor {
  if (t.location !== GPU_LOCATION) return t.reshape(dims);
  return wrap(t.type, dims, gpuData(t).share());
}

/** The bound range of a tensor's buffer. */
export function bindingOf(t: Tensor, context: GpuContext): BufferBinding {
  return { buffer: gpuData(t).buffer(context, t.type) };
}

/** The storage kind a GPU tensor's kernels see. */
export function kindOf(t: Tensor, context: GpuContext): StorageKind {
  const kind = storageKind(t.type, context.hasF16);
  if (!kind) throw new Error(`gpu: a ${t.type} tensor cannot be stored on the GPU`);
  return kind;
}

/** Copies a GPU tensor back to the CPU. */
export async function downloadTensor(t: Tensor, context: GpuContext): Promise<Tensor> {
  if (t.location !== GPU_LOCATION) return t;
  const data = gpuData(t);
  if (data.cpu) return data.cpu.dims === t.dims ? data.cpu : new Tensor(t.type, data.cpu.data, t.dims);
  const kind = kindOf(t, context);
  const bytes = await context.read(data.buffer(context, t.type), t.size * (kind === 'f16' ? 2 : kind === 'i64' ? 8 : 4));
  return new Tensor(t.type, fromStorage(t.type, kind, bytes, t.size), t.dims);
}

/** Frees a GPU tensor's share of its buffer now. */
export function disposeTensor(t: Tensor): void {
  if (t.location !== GPU_LOCATION || !(t.handle instanceof GpuData)) return;
  collected.unregister(t.handle);
  t.handle.release();
}
