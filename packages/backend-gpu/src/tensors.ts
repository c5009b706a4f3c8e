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

/** A buffer and how many tensors use it. */
interface SharedBuffer {
  buffer: GPUBuffer;
  refs: number;
  context: GpuContext;
}

export class GpuData {
  /** Set once the tensor has GPU storage. */
  private shared: SharedBuffer | undefined;
  private released = false;

  constructor(
    readonly kind: StorageKind | undefined,
    /** The CPU tensor this came from (uploads), kept so its values can be read without a readback. */
    readonly cpu: Tensor | undefined,
    shared?: SharedBuffer,
  ) {
    this.shared = shared;
    if (shared) shared.refs++;
  }

  /** The buffer, uploading the CPU data first if this tensor has none yet. */
  buffer(context: GpuContext, type: DType): GPUBuffer {
    if (this.released) throw new Error('gpu: a disposed tensor was used');
    if (!this.shared) {
      if (!this.cpu || !this.kind) throw new Error(`gpu: a ${type} tensor cannot be stored on the GPU`);
      const data = toStorage(type, this.kind, this.cpu.data as TypedArray);
      const buffer = context.acquire(bufferBytes(this.kind, this.cpu.size));
      context.write(buffer, data);
      this.shared = { buffer, refs: 1, context };
    }
    return this.shared.buffer;
  }

  /** A new handle on the same storage (for a tensor with other dims). */
  share(): GpuData {
    return new GpuData(this.kind, this.cpu, this.shared);
  }

  /** `collected`: the tensor was garbage-collected, so the buffer is forgotten rather than pooled (see forget). */
  release(collected = false): void {
    if (this.released) return;
    this.released = true;
    const s = this.shared;
    this.shared = undefined;
    if (s && --s.refs === 0) {
      if (collected) s.context.forget(s.buffer);
      else s.context.recycle(s.buffer);
    }
  }
}

const collected = new FinalizationRegistry<GpuData>((data) => data.release(true));

function wrap<T extends DType>(type: T, dims: readonly number[], data: GpuData): Tensor<T> {
  const t = Tensor.onDevice(type, dims, GPU_LOCATION, data);
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
  return wrap(t.type, t.dims, new GpuData(storageKind(t.type, context.hasF16), t));
}

/** A new GPU tensor with fresh (uninitialized) storage for `type` and `dims`. */
export function allocTensor<T extends DType>(context: GpuContext, type: T, dims: readonly number[]): Tensor<T> {
  const kind = storageKind(type, context.hasF16);
  if (!kind) throw new Error(`gpu: a ${type} tensor cannot be stored on the GPU`);
  const count = dims.reduce((a, b) => a * b, 1);
  const buffer = context.acquire(bufferBytes(kind, count));
  const data = new GpuData(kind, undefined, { buffer, refs: 0, context });
  return wrap(type, dims, data);
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
