/**
 * Tensors resident in the WebAssembly memory (location 'wasm'): this backend's kernels leave their outputs in the heap,
 * so a value passed from one of its nodes to the next is neither copied in nor out. A heap block may back several
 * tensors (Reshape and the like alias it) and returns to the heap when the last of them is disposed (the executor
 * disposes dead values) or, failing that, garbage collected.
 */
import { Tensor, type KernelInputs, type Value } from '@onnx-ts/core';
import { wasmRuntime } from './wasm.js';

export const WASM_LOCATION = 'wasm';

/** A heap block and how many live tensors use it. */
interface Block {
  readonly at: number;
  refs: number;
}

/**
 * A block whose tensors were dropped without dispose() returns to the heap once they are all collected. The block (not
 * each tensor) is registered, so a tensor made per node costs no registration of its own.
 */
const collected = new FinalizationRegistry<number>((at) => wasmRuntime().heap.release(at));

function unref(block: Block): void {
  if (--block.refs > 0) return;
  collected.unregister(block);
  wasmRuntime().heap.release(block.at);
}

/** A copy of `count` floats at `at` in a new Float32Array (allocating and then `set` is much faster than `slice`). */
export function copyOut(at: number, count: number): Float32Array {
  const out = new Float32Array(count);
  out.set(wasmRuntime().f32().subarray(at >> 2, (at >> 2) + count));
  return out;
}

/** A resident tensor's block, or undefined for any other tensor; reading a disposed one is an Error, not stale data. */
function blockOf(t: Tensor): Block | undefined {
  if (t.location !== WASM_LOCATION) return undefined;
  const access = t.handle as ResidentAccess;
  if (!access.live) throw new Error(`backend-cpu: a tensor [${t.dims.join(', ')}] was used after it was disposed`);
  return access.block;
}

/** A resident tensor's handle, and how core reads and frees it (one per tensor: disposing twice frees once). */
class ResidentAccess {
  tensor!: Tensor<'float32'>;
  live = true;

  constructor(readonly block: Block) {}

  async download(): Promise<Tensor<'float32'>> {
    return toHost(this.tensor) as Tensor<'float32'>;
  }

  dispose(): void {
    if (!this.live) return;
    this.live = false;
    unref(this.block);
  }
}

function tensorOn(block: Block, dims: readonly number[]): Tensor<'float32'> {
  block.refs++;
  const access = new ResidentAccess(block);
  const t = Tensor.onDevice('float32', dims, WASM_LOCATION, access, access);
  access.tensor = t;
  return t;
}

/** A resident tensor over a heap block the caller allocated and hands over. */
export function residentTensor(at: number, dims: readonly number[]): Tensor<'float32'> {
  const block = { at, refs: 0 };
  collected.register(block, at, block);
  return tensorOn(block, dims);
}

/** Another resident tensor over the same data as `t`, with other dims of the same size. */
export function aliasTensor(t: Tensor, dims: readonly number[]): Tensor<'float32'> {
  return tensorOn(blockOf(t)!, dims);
}

/** The heap address of a resident tensor's data, undefined for any other tensor. */
export function residentAddress(t: Tensor): number | undefined {
  return blockOf(t)?.at;
}

/**
 * A float32 tensor's values: its data on the CPU, or a view of the WebAssembly memory for a resident tensor (valid
 * until the memory next grows, which detaches views of an unshared memory: take it after allocating).
 */
export function floatsOf(t: Tensor<'float32'>): Float32Array {
  const at = residentAddress(t);
  if (at === undefined) return t.data;
  return wasmRuntime().f32().subarray(at >> 2, (at >> 2) + t.size);
}

/** A CPU copy of a resident tensor; any other value as it is. */
export function toHost(v: Value | undefined): Value | undefined {
  if (!(v instanceof Tensor)) return v;
  const at = residentAddress(v);
  return at === undefined ? v : new Tensor('float32', copyOut(at, v.size), v.dims);
}

export function inputsOnHost(inputs: KernelInputs): KernelInputs {
  return inputs.some((v) => v instanceof Tensor && v.location === WASM_LOCATION) ? inputs.map(toHost) : inputs;
}

/** The backend's upload outside a session: CPU tensors stay where they are (kernels read them directly). */
export const upload = (t: Tensor): Tensor => t;

export function download(t: Tensor): Tensor {
  return toHost(t) as Tensor;
}
