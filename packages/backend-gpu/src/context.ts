/**
 * The device and everything that lives on it: a pool of storage buffers, compiled pipelines, and the batch of
 * dispatches not yet submitted. Dispatches are recorded into one command encoder and submitted together (at a
 * download, an upload, or when the batch is full); their small parameter blocks are gathered in CPU memory and
 * written to uniform buffers just before the submit, so the writes land in queue order.
 *
 * Errors: every batch runs inside validation and out-of-memory error scopes, pipelines are created with
 * createComputePipelineAsync (which rejects on a bad shader), uncaptured errors and device loss are recorded, and
 * the next download or check throws them. A failure never reads back as zeros.
 */
/// <reference types="@webgpu/types" />
import { adapterLabel, findAdapter, type GpuSetup } from './adapter.js';

/** GPUBufferUsage and GPUMapMode values (the spec's numbers; Node has no globals for them). */
export const USAGE = { MAP_READ: 1, COPY_SRC: 4, COPY_DST: 8, UNIFORM: 64, STORAGE: 128 } as const;
const MAP_READ_MODE = 1;
const COMPUTE_STAGE = 4;

export type BindingKind = 'read' | 'write' | 'uniform';

export interface Program {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  bindings: readonly BindingKind[];
  label: string;
}

/** A bound range of a buffer: the whole buffer unless offset/size say otherwise. */
export interface BufferBinding {
  buffer: GPUBuffer;
  offset?: number;
  size?: number;
}

/** Limits the kernels size themselves by. */
export interface KernelLimits {
  invocations: number;
  workgroupStorage: number;
  maxWorkgroupsPerDimension: number;
  maxBindingBytes: number;
  maxBufferBytes: number;
  storageBuffersPerStage: number;
  storageOffsetAlignment: number;
}

/** What the device holds, for tests and monitoring (see GpuContext.stats). */
export interface GpuStats {
  /** Storage buffers created and not destroyed, pooled ones included, and their bytes. */
  liveBuffers: number;
  liveBytes: number;
  /** Of those, the buffers waiting in the pool for reuse, and their bytes (at most tuning.poolBytes). */
  pooledBuffers: number;
  pooledBytes: number;
  /** Bytes written from the CPU since the device opened. */
  uploadedBytes: number;
}

/** Dispatches per submitted batch at most. */
const BATCH_DISPATCHES = 128;
/** Bytes of one uniform chunk; parameter blocks are placed in it at the adapter's offset alignment. */
const UNIFORM_CHUNK = 1 << 16;

/** Rounds a buffer size up to a pool bucket: 256-byte steps up to 4 KiB, then eighths of a power of two. */
function bucketBytes(bytes: number): number {
  if (bytes <= 4096) return Math.ceil(bytes / 256) * 256;
  const step = 2 ** (Math.floor(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

interface UniformChunk {
  buffer: GPUBuffer;
  staging: Uint8Array<ArrayBuffer>;
}

/** Whether the adapter executes shaders on the CPU (Mesa's llvmpipe/lavapipe, SwiftShader, a fallback adapter). */
function runsOnCpu(adapter: GPUAdapter): boolean {
  const i = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const text = `${i.vendor} ${i.architecture} ${i.device} ${i.description}`.toLowerCase();
  return i.isFallbackAdapter === true || /llvmpipe|lavapipe|swiftshader|software/.test(text);
}

export class GpuContext {
  readonly label: string;
  readonly hasF16: boolean;
  readonly limits: KernelLimits;
  /** What names the work being recorded in error messages (the node the running kernel belongs to). */
  currentLabel = '';
  /** Which kernel forms to use; chosen from the adapter, changeable for tests and benchmarks. */
  readonly tuning: { registerGemm: boolean; indicesPerInvocation: number; poolBytes: number };
  private readonly free = new Map<number, GPUBuffer[]>();
  private freeBytes = 0;
  private freeCount = 0;
  /** Bytes copied from the CPU since the device opened (the tests check weights are written once). */
  private uploadedBytes = 0;
  private readonly staging = new Map<number, GPUBuffer[]>();
  private readonly pipelines = new Map<string, Promise<Program>>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private encoder: GPUCommandEncoder | undefined;
  private pass: GPUComputePassEncoder | undefined;
  private dispatches = 0;
  private readonly chunks: UniformChunk[] = [];
  private chunkIndex = 0;
  private chunkOffset = 0;
  private readonly uniformAlign: number;
  private readonly pendingScopes: Promise<string | undefined>[] = [];
  private readonly errors: string[] = [];
  private lostReason: string | undefined;
  private destroyed = false;
  /** Buffers created and not destroyed, for release() and the tests. */
  private readonly live = new Set<GPUBuffer>();
  /** Buffers to destroy after the next submit. */
  private readonly doomed: GPUBuffer[] = [];

  private constructor(
    /** Kept so the GPU instance lives as long as its device. */
    readonly gpu: GPU,
    readonly device: GPUDevice,
    adapter: GPUAdapter,
    featureLevel: string,
  ) {
    this.label = adapterLabel(adapter, featureLevel);
    this.hasF16 = device.features.has('shader-f16');
    const l = device.limits;
    this.limits = {
      invocations: l.maxComputeInvocationsPerWorkgroup,
      workgroupStorage: l.maxComputeWorkgroupStorageSize,
      maxWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxBindingBytes: l.maxStorageBufferBindingSize,
      maxBufferBytes: l.maxBufferSize,
      storageBuffersPerStage: l.maxStorageBuffersPerShaderStage,
      storageOffsetAlignment: l.minStorageBufferOffsetAlignment,
    };
    this.uniformAlign = l.minUniformBufferOffsetAlignment;
    const cpu = runsOnCpu(adapter);
    // Free buffers kept for reuse at most, in bytes; beyond it freed buffers are destroyed.
    this.tuning = { registerGemm: cpu, indicesPerInvocation: cpu ? 64 : 1, poolBytes: 1 << 30 };
    device.addEventListener('uncapturederror', (e) => {
      this.errors.push(`uncaptured ${(e as GPUUncapturedErrorEvent).error.constructor.name}: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
    void device.lost.then((info) => {
      if (!this.destroyed) this.lostReason = `${info.reason}: ${info.message}`;
    });
  }

  /** Finds an adapter and opens a device with the limits the kernels want (as high as the adapter allows). */
  static async create(setup: GpuSetup = {}): Promise<GpuContext> {
    const { gpu, adapter, featureLevel } = await findAdapter(setup);
    const a = adapter.limits;
    const requiredLimits: Record<string, number> = {
      maxComputeInvocationsPerWorkgroup: Math.min(a.maxComputeInvocationsPerWorkgroup, 256),
      maxComputeWorkgroupSizeX: Math.min(a.maxComputeWorkgroupSizeX, 256),
      maxComputeWorkgroupSizeY: Math.min(a.maxComputeWorkgroupSizeY, 256),
      maxComputeWorkgroupStorageSize: Math.min(a.maxComputeWorkgroupStorageSize, 32768),
      maxStorageBuffersPerShaderStage: Math.min(a.maxStorageBuffersPerShaderStage, 10),
      maxStorageBufferBindingSize: a.maxStorageBufferBindingSize,
      maxBufferSize: a.maxBufferSize,
    };
    const requiredFeatures: GPUFeatureName[] = adapter.features.has('shader-f16') ? ['shader-f16'] : [];
    const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'onnx-ts gpu' });
    return new GpuContext(gpu, device, adapter, featureLevel);
  }

  private checkUsable(): void {
    if (this.destroyed) throw new Error('gpu: the backend was released; run a session again to reopen it');
    if (this.lostReason) throw new Error(`gpu: the device was lost (${this.lostReason})`);
  }

  // ---- buffers ----

  /** A storage buffer of at least `bytes` (its contents are whatever was there before). */
  acquire(bytes: number): GPUBuffer {
    this.checkUsable();
    if (bytes > this.limits.maxBufferBytes) {
      throw new Error(`gpu: a buffer of ${bytes} bytes exceeds the adapter's maxBufferSize (${this.limits.maxBufferBytes})`);
    }
    const size = Math.min(bucketBytes(bytes), Math.max(bytes, this.limits.maxBufferBytes));
    const list = this.free.get(size);
    const reused = list?.pop();
    if (reused) {
      this.freeBytes -= size;
      this.freeCount--;
      return reused;
    }
    const buffer = this.device.createBuffer({ size, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
    this.live.add(buffer);
    return buffer;
  }

  /**
   * Drops a buffer without calling into the WebGPU implementation, for buffers whose tensor was garbage-collected:
   * finalizers may run while a worker thread is being torn down, when a native call that throws aborts the process.
   * The buffer's own wrapper frees its memory when it is collected.
   */
  forget(buffer: GPUBuffer): void {
    this.live.delete(buffer);
  }

  /** Returns a buffer to the pool (destroyed instead when the pool is full or the context released). */
  recycle(buffer: GPUBuffer): void {
    if (this.destroyed || !this.live.has(buffer)) return;
    if (this.freeBytes + buffer.size > this.tuning.poolBytes) {
      this.destroyBuffer(buffer);
      return;
    }
    const list = this.free.get(buffer.size) ?? [];
    list.push(buffer);
    this.free.set(buffer.size, list);
    this.freeBytes += buffer.size;
    this.freeCount++;
  }

  /** Destroys a buffer no tensor uses any more, without pooling it. */
  discard(buffer: GPUBuffer): void {
    if (!this.destroyed && this.live.has(buffer)) this.destroyBuffer(buffer);
  }

  /** Destroys every pooled buffer and readback buffer (a session was released: its memory goes back to the system). */
  trimPool(): void {
    if (this.destroyed) return;
    for (const list of this.free.values()) for (const b of list) this.destroyBuffer(b);
    // Readback buffers idle in their pool are unmapped and used by no recorded copy.
    for (const list of this.staging.values()) for (const b of list) b.destroy();
    this.staging.clear();
    this.free.clear();
    this.freeBytes = 0;
    this.freeCount = 0;
  }

  /**
   * Destroys a buffer once the work recorded so far is submitted (WebGPU lets submitted work finish with a
   * destroyed buffer, but not a submit that uses one).
   */
  private destroyBuffer(buffer: GPUBuffer): void {
    this.live.delete(buffer);
    if (this.encoder) this.doomed.push(buffer);
    else buffer.destroy();
  }

  /** Storage buffers created and not destroyed (pooled ones included), those waiting in the pool, and uploads. */
  stats(): GpuStats {
    let liveBytes = 0;
    for (const b of this.live) liveBytes += b.size;
    return {
      liveBuffers: this.live.size, liveBytes, pooledBuffers: this.freeCount, pooledBytes: this.freeBytes,
      uploadedBytes: this.uploadedBytes,
    };
  }

  /** Copies CPU data into a buffer (after submitting pending work, which may still read a recycled buffer). */
  write(buffer: GPUBuffer, data: ArrayBufferView): void {
    this.checkUsable();
    this.flush();
    const bytes = new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    this.uploadedBytes += bytes.byteLength;
    if (bytes.byteLength % 4 === 0) {
      this.device.queue.writeBuffer(buffer, 0, bytes);
    } else {
      const padded = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
      padded.set(bytes);
      this.device.queue.writeBuffer(buffer, 0, padded);
    }
  }

  /** Reads `bytes` from the start of a buffer, after everything recorded so far has run; throws recorded GPU errors. */
  async read(buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    this.checkUsable();
    const size = Math.max(16, Math.ceil(bytes / 4) * 4);
    const bucket = bucketBytes(size);
    const staging = this.staging.get(bucket)?.pop() ?? this.device.createBuffer({ size: bucket, usage: USAGE.MAP_READ | USAGE.COPY_DST });
    this.endPass();
    this.encoderFor().copyBufferToBuffer(buffer, 0, staging, 0, size);
    this.flush();
    try {
      await staging.mapAsync(MAP_READ_MODE, 0, size);
    } catch (e) {
      await this.check();
      throw new Error(`gpu: reading a buffer back failed: ${(e as Error).message}`);
    }
    const out = staging.getMappedRange(0, size).slice(0, bytes);
    staging.unmap();
    const list = this.staging.get(bucket) ?? [];
    list.push(staging);
    this.staging.set(bucket, list);
    await this.check();
    return out;
  }

  // ---- pipelines ----

  private layoutFor(bindings: readonly BindingKind[]): GPUBindGroupLayout {
    const key = bindings.join(',');
    let layout = this.layouts.get(key);
    if (!layout) {
      layout = this.device.createBindGroupLayout({
        entries: bindings.map((kind, binding) => ({
          binding,
          visibility: COMPUTE_STAGE,
          buffer: { type: kind === 'read' ? 'read-only-storage' : kind === 'write' ? 'storage' : 'uniform' },
        })),
      });
      this.layouts.set(key, layout);
    }
    return layout;
  }

  /** Compiles (once per source) a compute shader whose bindings are `bindings` in order, at group 0. */
  program(label: string, code: string, bindings: readonly BindingKind[]): Promise<Program> {
    this.checkUsable();
    const key = `${bindings.join(',')}\n${code}`;
    let p = this.pipelines.get(key);
    if (!p) {
      const storage = bindings.filter((b) => b !== 'uniform').length;
      if (storage > this.limits.storageBuffersPerStage) {
        throw new Error(`gpu: kernel '${label}' binds ${storage} storage buffers; the device allows ${this.limits.storageBuffersPerStage}`);
      }
      p = this.compile(label, code, bindings);
      this.pipelines.set(key, p);
      p.catch(() => this.pipelines.delete(key));
    }
    return p;
  }

  private async compile(label: string, code: string, bindings: readonly BindingKind[]): Promise<Program> {
    // Its own error scope, so a bad shader is reported here and not in the batch being recorded.
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label, code });
    const layout = this.layoutFor(bindings);
    let pipeline: GPUComputePipeline | undefined;
    let failure = '';
    try {
      pipeline = await this.device.createComputePipelineAsync({
        label,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main' },
      });
    } catch (e) {
      failure = (e as Error).message;
    }
    const scoped = await this.device.popErrorScope();
    if (pipeline && !scoped) return { pipeline, layout, bindings, label };
    const info = await module.getCompilationInfo();
    const source = code.split('\n');
    const messages = info.messages.map((m) => `${m.type} at line ${m.lineNum}: ${m.message}\n  > ${source[m.lineNum - 1] ?? ''}`).join('\n');
    throw new Error(`gpu: kernel '${label}' failed to compile: ${messages || scoped?.message || failure}`);
  }

  // ---- recording ----

  private encoderFor(): GPUCommandEncoder {
    if (!this.encoder) {
      this.device.pushErrorScope('out-of-memory');
      this.device.pushErrorScope('validation');
      this.encoder = this.device.createCommandEncoder();
    }
    return this.encoder;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = undefined;
  }

  private uniformSlot(params: ArrayBuffer): BufferBinding {
    const size = Math.max(16, Math.ceil(params.byteLength / 16) * 16);
    if (size > UNIFORM_CHUNK) throw new Error(`gpu: kernel parameters of ${size} bytes exceed ${UNIFORM_CHUNK}`);
    if (this.chunkOffset + size > UNIFORM_CHUNK) {
      this.chunkIndex++;
      this.chunkOffset = 0;
    }
    let chunk = this.chunks[this.chunkIndex];
    if (!chunk) {
      chunk = {
        buffer: this.device.createBuffer({ size: UNIFORM_CHUNK, usage: USAGE.UNIFORM | USAGE.COPY_DST }),
        staging: new Uint8Array(UNIFORM_CHUNK),
      };
      this.chunks.push(chunk);
    }
    const offset = this.chunkOffset;
    chunk.staging.set(new Uint8Array(params), offset);
    this.chunkOffset = Math.ceil((offset + size) / this.uniformAlign) * this.uniformAlign;
    return { buffer: chunk.buffer, offset, size };
  }

  /**
   * Records one dispatch. `buffers` match the program's storage bindings in order; `params` (when the program has a
   * uniform binding, which comes last) is its parameter block.
   */
  dispatch(program: Program, buffers: readonly BufferBinding[], params: ArrayBuffer | undefined, workgroups: readonly [number, number, number]): void {
    this.checkUsable();
    const max = this.limits.maxWorkgroupsPerDimension;
    if (workgroups.some((w) => w > max)) {
      throw new Error(`gpu: kernel '${program.label}' needs [${workgroups.join(', ')}] workgroups; at most ${max} per dimension`);
    }
    if (workgroups.some((w) => w === 0)) return;
    const resources = [...buffers];
    if (program.bindings[program.bindings.length - 1] === 'uniform') {
      if (!params) throw new Error(`gpu: kernel '${program.label}' needs its parameter block`);
      resources.push(this.uniformSlot(params));
    }
    if (resources.length !== program.bindings.length) {
      throw new Error(`gpu: kernel '${program.label}' binds ${program.bindings.length} buffers, got ${resources.length}`);
    }
    const encoder = this.encoderFor();
    const bindGroup = this.device.createBindGroup({
      label: `${program.label} for ${this.currentLabel}`,
      layout: program.layout,
      entries: resources.map((r, binding) => ({ binding, resource: { buffer: r.buffer, offset: r.offset ?? 0, size: r.size } })),
    });
    this.pass ??= encoder.beginComputePass();
    this.pass.setPipeline(program.pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
    if (++this.dispatches >= BATCH_DISPATCHES) this.flush();
  }

  /** Records a buffer-to-buffer copy in order with the dispatches. */
  copy(from: BufferBinding, to: BufferBinding, bytes: number): void {
    this.checkUsable();
    if (bytes === 0) return;
    this.endPass();
    this.encoderFor().copyBufferToBuffer(from.buffer, from.offset ?? 0, to.buffer, to.offset ?? 0, bytes);
  }

  /** Submits everything recorded; its errors are collected for the next check(). */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    for (let i = 0; i <= this.chunkIndex && i < this.chunks.length; i++) {
      const used = i < this.chunkIndex ? UNIFORM_CHUNK : this.chunkOffset;
      if (used > 0) this.device.queue.writeBuffer(this.chunks[i].buffer, 0, this.chunks[i].staging, 0, used);
    }
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = undefined;
    for (const b of this.doomed.splice(0)) b.destroy();
    this.dispatches = 0;
    this.chunkIndex = 0;
    this.chunkOffset = 0;
    const label = this.currentLabel;
    const scope = (p: Promise<GPUError | null>) => p.then((e) => (e ? `${e.constructor.name} (recorded up to ${label}): ${e.message}` : undefined));
    this.pendingScopes.push(scope(this.device.popErrorScope()), scope(this.device.popErrorScope()));
  }

  /** Submits pending work and throws the first GPU error recorded since the last check. */
  async check(): Promise<void> {
    this.flush();
    const found = (await Promise.all(this.pendingScopes.splice(0))).filter((e): e is string => e !== undefined);
    this.errors.push(...found);
    this.checkUsable();
    if (this.errors.length) {
      const all = this.errors.splice(0);
      throw new Error(`gpu: ${all[0]}${all.length > 1 ? ` (and ${all.length - 1} more)` : ''}`);
    }
  }

  /** Waits until the GPU has finished everything submitted (for timings). */
  async finish(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.check();
  }

  /** Destroys every buffer and the device. */
  destroy(): void {
    if (this.destroyed) return;
    this.flush();
    this.destroyed = true;
    for (const b of this.live) b.destroy();
    for (const list of this.staging.values()) for (const b of list) b.destroy();
    for (const c of this.chunks) c.buffer.destroy();
    this.live.clear();
    this.free.clear();
    this.freeBytes = 0;
    this.freeCount = 0;
    this.staging.clear();
    this.pipelines.clear();
    this.device.destroy();
  }
}
