/**
 * How each element type is stored in GPU memory. WGSL has 32-bit scalars (and f16 with the `shader-f16` feature), so
 * bool and 8/16-bit integers widen to 32 bits, float16 stays 16-bit where the adapter has f16 and widens to f32 where
 * it has not, and int64 keeps its 8 bytes (kernels read the low word of indices and shape-like values).
 */
import { float16ToNumber, numberToFloat16, type DType, type TypedArray } from '@onnx-ts/core';

/** WGSL element kinds of GPU tensors. */
export type StorageKind = 'f32' | 'f16' | 'i32' | 'u32' | 'i64';

/** The storage of `type`, or undefined when the type never lives on the GPU (it stays on the CPU). */
export function storageKind(type: DType, hasF16: boolean): StorageKind | undefined {
  switch (type) {
    case 'float32': return 'f32';
    case 'float16': return hasF16 ? 'f16' : 'f32';
    case 'int32': case 'int16': case 'int8': return 'i32';
    case 'uint32': case 'uint16': case 'uint8': case 'bool': return 'u32';
    case 'int64': return 'i64';
    default: return undefined;
  }
}

export function bytesPerElement(kind: StorageKind): number {
  return kind === 'f16' ? 2 : kind === 'i64' ? 8 : 4;
}

/** Bytes of a buffer holding `count` elements: a multiple of 4 (copies need it) and never zero (bindings need it). */
export function bufferBytes(kind: StorageKind, count: number): number {
  return Math.max(16, Math.ceil((count * bytesPerElement(kind)) / 4) * 4);
}

/** The CPU data of a tensor laid out as `kind` expects, ready to copy to the GPU. */
export function toStorage(type: DType, kind: StorageKind, data: TypedArray): ArrayBufferView {
  switch (kind) {
    case 'f16': case 'i64':
      return data;
    case 'f32':
      return type === 'float16' ? Float32Array.from(data as Uint16Array, float16ToNumber) : data;
    case 'i32':
      return data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>);
    case 'u32':
      return data instanceof Uint32Array ? data : Uint32Array.from(data as ArrayLike<number>);
  }
}

type ArrayCtor = { new (buffer: ArrayBuffer, offset: number, length: number): TypedArray };

const VIEW: Record<StorageKind, ArrayCtor> = {
  f32: Float32Array, f16: Uint16Array, i32: Int32Array, u32: Uint32Array, i64: BigInt64Array,
};

/** Rebuilds the CPU data of `type` from `count` elements read back from GPU storage of `kind`. */
export function fromStorage(type: DType, kind: StorageKind, bytes: ArrayBuffer, count: number): TypedArray {
  const view = new VIEW[kind](bytes, 0, count);
  switch (type) {
    case 'float16':
      return kind === 'f16' ? view : Uint16Array.from(view as Float32Array, numberToFloat16);
    case 'bool':
      return Uint8Array.from(view as Uint32Array, (v) => (v ? 1 : 0));
    case 'int8': return Int8Array.from(view as Int32Array);
    case 'int16': return Int16Array.from(view as Int32Array);
    case 'uint8': return Uint8Array.from(view as Uint32Array);
    case 'uint16': return Uint16Array.from(view as Uint32Array);
    default: return view;
  }
}
