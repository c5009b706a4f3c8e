/**
 * Arithmetic of the backward pass. Gradients are float64 tensors whatever the forward types, so that low-precision
 * forward values do not lose more precision while the chain rule multiplies them together.
 */
import { Tensor, broadcastIndex, shapeSize } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';

export const float64 = (data: Float64Array, dims: readonly number[]): Tensor => new Tensor('float64', data, dims);

export const filled = (dims: readonly number[], value: number): Tensor =>
  float64(new Float64Array(shapeSize(dims)).fill(value), dims);

/** The elements of a numeric tensor as float64 (shared, not copied, when it already is float64: do not write to it). */
export const valuesOf = (t: Tensor): Float64Array => (t.type === 'float64' ? (t.data as Float64Array) : toNumbers(t));

/** The tensor as float64, for kernels of the backward pass that must compute in float64. */
export const asFloat64 = (t: Tensor): Tensor => (t.type === 'float64' ? t : float64(toNumbers(t), t.dims));

/** The same elements under other dims of the same size. */
export const reshaped = (t: Tensor, dims: readonly number[]): Tensor => new Tensor(t.type, t.data, dims);

/** The elements of `t` broadcast (numpy rules) to `dims`, in a new array the caller may write to. */
export function broadcastValues(t: Tensor, dims: readonly number[]): Float64Array {
  const values = valuesOf(t);
  const index = broadcastIndex(dims, t.dims);
  if (!index) return Float64Array.from(values);
  const out = new Float64Array(index.length);
  for (let i = 0; i < out.length; i++) out[i] = values[index[i]];
  return out;
}

/**
 * The adjoint of broadcasting: sums a gradient of the broadcast shape over the axes that broadcasting added or
 * stretched, giving the gradient of the operand of shape `dims`.
 */
export function sumTo(grad: Tensor, dims: readonly number[]): Tensor {
  const values = valuesOf(grad);
  const index = broadcastIndex(grad.dims, dims);
  if (!index) return grad;
  const out = new Float64Array(shapeSize(dims));
  for (let i = 0; i < values.length; i++) out[index[i]] += values[i];
  return float64(out, dims);
}

/** Elementwise sum of two gradients of one shape, for a tensor read by several nodes. */
export function addGradients(a: Tensor, b: Tensor): Tensor {
  const x = valuesOf(a);
  const y = valuesOf(b);
  const out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = x[i] + y[i];
  return float64(out, a.dims);
}

export function scaled(t: Tensor, factor: number): Tensor {
  const values = valuesOf(t);
  const out = new Float64Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = values[i] * factor;
  return float64(out, t.dims);
}

/** The permutation that undoes `perm`. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((axis, i) => { inverse[axis] = i; });
  return inverse;
}
