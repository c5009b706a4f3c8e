/**
 * The one WebAssembly instance of this thread: its memory (shared when worker threads can use it), the heap over it,
 * and typed views that follow the memory when it grows.
 */
import { PLAIN_MEMORY_WASM, SHARED_MEMORY_WASM } from '../generated/kernels-wasm.js';
import { Heap } from './heap.js';

/**
 * Memory map: the module's static data (math tables) from 1024 up to at most 32 KiB, which the build checks; the
 * thread pool's control words and the job block above it; the heap from 64 KiB.
 */
export const CONTROL_AT = 32768;
export const JOB_AT = 33792;
const HEAP_START = 65536;
const MAX_PAGES = 65536;

/** The exports of src/assembly/index.ts; pointers and sizes are byte offsets into the memory. */
export interface KernelExports {
  packA(dst: number, src: number, m: number, k: number, rowStride: number, colStride: number): void;
  softmaxRows(x: number, y: number, rows: number, cols: number, logarithm: boolean): void;
  lrn(x: number, y: number, batch: number, c: number, size: number, window: number, alpha: number, beta: number, bias: number): void;
  /** Reads src in the order of `depth` axes whose sizes, strides and counter space are int32s at `shape`. */
  permute(dst: number, src: number, depth: number, shape: number): void;
  /** Parallel jobs (see pool.ts): the job block's address and the thread's index. */
  gemmJob(job: number, tid: number): void;
  depthwiseJob(job: number, tid: number): void;
  poolJob(job: number, tid: number): void;
  gemvJob(job: number, tid: number): void;
  elementwiseJob(job: number, tid: number): void;
  im2colJob(job: number, tid: number): void;
  winogradInputJob(job: number, tid: number): void;
  winogradOutputJob(job: number, tid: number): void;
  winogradFilter(u: number, stride: number, g: number): void;
}

export interface WasmRuntime {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  shared: boolean;
  exports: KernelExports;
  heap: Heap;
  f32(): Float32Array;
  i32(): Int32Array;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bytes = atob(text);
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
  return out;
}

/** Whether this environment can share a WebAssembly memory between threads. */
function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const g = globalThis as { crossOriginIsolated?: boolean; process?: { versions?: { node?: string } } };
  if (g.process?.versions?.node) return true;
  return g.crossOriginIsolated === true;
}

let runtime: WasmRuntime | undefined;

export function wasmRuntime(): WasmRuntime {
  if (runtime) return runtime;
  const shared = canShareMemory();
  const module = new WebAssembly.Module(decodeBase64(shared ? SHARED_MEMORY_WASM : PLAIN_MEMORY_WASM));
  const memory = new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared } as WebAssembly.MemoryDescriptor);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  let f32 = new Float32Array(memory.buffer);
  let i32 = new Int32Array(memory.buffer);
  runtime = {
    memory, module, shared,
    exports: instance.exports as unknown as KernelExports,
    heap: new Heap(memory, HEAP_START, MAX_PAGES * 65536),
    // A grown memory has a new (larger) buffer; refresh the views when their length falls behind.
    f32: () => (f32.length * 4 === memory.buffer.byteLength ? f32 : (f32 = new Float32Array(memory.buffer))),
    i32: () => (i32.length * 4 === memory.buffer.byteLength ? i32 : (i32 = new Int32Array(memory.buffer))),
  };
  return runtime;
}
