/**
 * What a kernel call uses of the WebAssembly memory: scratch blocks freed when the call returns, inputs (resident, or
 * copied in), outputs left resident, and the job block. Packed weights kept across runs are in constants.ts.
 */
import type { Tensor } from '@onnx-ts/core';
import { residentAddress, residentTensor } from './resident.js';
import { JOB_AT, wasmRuntime } from './wasm.js';

export class Scratch {
  private readonly blocks: number[] = [];
  /** Output blocks not yet handed to a tensor; freed with the scratch when the call fails. */
  private readonly pending: number[] = [];

  alloc(bytes: number): number {
    const at = wasmRuntime().heap.alloc(bytes);
    this.blocks.push(at);
    return at;
  }

  /** Copies float32 values into a new scratch block. */
  input(values: Float32Array): number {
    const at = this.alloc(values.length * 4);
    wasmRuntime().f32().set(values, at >> 2);
    return at;
  }

  /** The address of a float32 tensor's data: where it lives when resident, else a scratch copy. */
  tensor(t: Tensor<'float32'>): number {
    return residentAddress(t) ?? this.input(t.data);
  }

  /** A block for an output of `count` floats, which `result` turns into the returned tensor. */
  output(count: number): number {
    const at = wasmRuntime().heap.alloc(count * 4);
    this.pending.push(at);
    return at;
  }

  result(at: number, dims: readonly number[]): Tensor<'float32'> {
    this.pending.splice(this.pending.indexOf(at), 1);
    return residentTensor(at, dims);
  }

  releaseAll(): void {
    const { heap } = wasmRuntime();
    for (const at of this.blocks) heap.release(at);
    for (const at of this.pending) heap.release(at);
    this.blocks.length = 0;
    this.pending.length = 0;
  }
}

/** Runs `body` with a scratch area that is released afterwards, whatever happens. */
export function withScratch<T>(body: (scratch: Scratch) => T): T {
  const scratch = new Scratch();
  try {
    return body(scratch);
  } finally {
    scratch.releaseAll();
  }
}

/** Writes a job block (4-byte fields in declaration order; numbers listed in `floats` are stored as f32). */
export function writeJob(fields: readonly number[], floats: readonly number[] = []): number {
  const rt = wasmRuntime();
  const i32 = rt.i32();
  const f32 = rt.f32();
  const base = JOB_AT >> 2;
  for (let i = 0; i < fields.length; i++) i32[base + i] = fields[i];
  for (const i of floats) f32[base + i] = fields[i];
  return JOB_AT;
}
