/** Reading the shape-like inputs of the tensor ops (axes, shapes, indices, pads) with errors that name them. */
import { INT_DTYPES, describeValue, isTensor, type KernelInputs, type Tensor } from '@onnx-ts/core';

/** Input `index` as a tensor; throws naming the op and input when it is missing or not a tensor. */
export function tensorInput(op: string, inputs: KernelInputs, index: number, name: string): Tensor {
  const v = inputs[index];
  if (!isTensor(v)) throw new Error(`${op}: input '${name}' must be a tensor, got ${v === undefined ? 'nothing' : describeValue(v)}`);
  return v;
}

/** An optional input: undefined when omitted or an empty optional. */
export function optionalTensor(op: string, inputs: KernelInputs, index: number, name: string): Tensor | undefined {
  const v = inputs[index];
  return v === undefined || v === null ? undefined : tensorInput(op, inputs, index, name);
}

/**
 * The values of an integer tensor as numbers. int64 values beyond 2^53 lose precision but keep their sign and size,
 * which is all the clamping and range checks that use them need.
 */
export function readInts(op: string, t: Tensor, name: string): number[] {
  if (!INT_DTYPES.includes(t.type)) throw new Error(`${op}: '${name}' must be an integer tensor, got ${t.type}`);
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

/** A 1-D integer input (a 0-D one is read as one value, as producers sometimes write it). */
export function readIntList(op: string, t: Tensor, name: string): number[] {
  if (t.dims.length > 1) throw new Error(`${op}: '${name}' must be 1-D, got shape [${t.dims.join(', ')}]`);
  return readInts(op, t, name);
}

/** The one value of a scalar (or one-element) integer input. */
export function readIntScalar(op: string, t: Tensor, name: string): number {
  if (t.size !== 1) throw new Error(`${op}: '${name}' must hold one value, got shape [${t.dims.join(', ')}]`);
  return readInts(op, t, name)[0];
}

/** An index into a dimension of size `dim`, negative counting from the end; throws when outside [-dim, dim-1]. */
export function normalizeIndex(op: string, index: number, dim: number, what: string): number {
  if (!(index >= -dim && index < dim)) throw new Error(`${op}: ${what} ${index} is out of range for a dimension of ${dim}`);
  return index < 0 ? index + dim : index;
}

/** Normalizes a list of axes for `rank`; throws on an axis out of range or given twice. */
export function normalizeAxes(op: string, axes: readonly number[], rank: number, what = 'axes'): number[] {
  const out = axes.map((a) => {
    if (!(a >= -rank && a < rank)) throw new Error(`${op}: ${what} value ${a} is out of range for rank ${rank}`);
    return a < 0 ? a + rank : a;
  });
  if (new Set(out).size !== out.length) throw new Error(`${op}: ${what} [${axes.join(', ')}] repeat an axis`);
  return out;
}

/** Reads a shape given as an int64 tensor, checking every dimension is a non-negative integer. */
export function readShape(op: string, t: Tensor, name: string): number[] {
  const dims = readIntList(op, t, name);
  for (const d of dims) if (d < 0) throw new Error(`${op}: '${name}' has a negative dimension ${d}`);
  return dims;
}
