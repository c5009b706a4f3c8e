/** Reading a node's inputs: required and optional tensors, and integer inputs such as axes and K. */
import { Tensor, describeValue, type Value } from '@onnx-ts/core';

/** A required input; throws naming it when it is missing or not a tensor. */
export function requireTensor(op: string, value: Value | undefined, name: string): Tensor {
  if (value instanceof Tensor) return value;
  throw new Error(`${op}: input '${name}' must be a tensor, got ${value === undefined ? 'nothing' : describeValue(value)}`);
}

/** An optional input: undefined when omitted or an empty optional; throws when it is something other than a tensor. */
export function optionalTensor(op: string, value: Value | undefined, name: string): Tensor | undefined {
  return value === undefined || value === null ? undefined : requireTensor(op, value, name);
}

/** Reads a 1-D int32/int64 tensor input (axes, K, a scan axis) as numbers. */
export function readIntegers(t: Tensor, what: string): number[] {
  if (t.type !== 'int64' && t.type !== 'int32') throw new Error(`${what} must be int64 or int32, got ${t.type}`);
  if (t.dims.length > 1) throw new Error(`${what} must be a scalar or 1-D tensor, got shape [${t.dims.join(', ')}]`);
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

/** Reads a single integer given as a scalar or one-element tensor input. */
export function readScalarInteger(t: Tensor, what: string): number {
  const values = readIntegers(t, what);
  if (values.length !== 1) throw new Error(`${what} must hold exactly one value, got ${values.length}`);
  return values[0];
}
