/**
 * Float data of the neural-network kernels: float32 and float64 tensors compute on their own storage (no copy), the
 * other float types (float16, bfloat16, float8) are decoded to float64 through the shared dtype dispatch and encoded
 * back when the result is wrapped.
 */
import { Tensor, type DType } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../util/elementwise.js';
import type { FloatArray } from '../../util/gemm.js';

export type { FloatArray };

/** The values of a float tensor to compute on: its storage for float32/float64, a decoded copy otherwise. */
export function floatValues(t: Tensor): FloatArray {
  if (t.type === 'float32' || t.type === 'float64') return t.data as FloatArray;
  return toNumbers(t);
}

/** A zeroed buffer for `size` results of `type`: float32 storage for float32, float64 for every other type. */
export function floatBuffer(type: DType, size: number): FloatArray {
  return type === 'float32' ? new Float32Array(size) : new Float64Array(size);
}

/** Wraps computed values as a tensor of `type` (encoded when the type is stored as codes). */
export function floatTensor(type: DType, values: FloatArray, dims: readonly number[]): Tensor {
  if ((type === 'float32' && values instanceof Float32Array) || (type === 'float64' && values instanceof Float64Array)) {
    return new Tensor(type, values, dims);
  }
  return fromNumbers(type, values, dims);
}
