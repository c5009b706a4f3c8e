/** Input and attribute checks shared by the vision and quantization kernels, with errors naming op and input. */
import { isTensor, type DType, type Tensor, type Value } from '@onnx-ts/core';

/** A required tensor input. */
export function tensorInput(op: string, v: Value | undefined, name: string): Tensor {
  if (!isTensor(v)) throw new Error(`${op}: input ${name} must be a tensor, got ${v === undefined ? 'nothing' : typeof v}`);
  return v;
}

/** An optional input: undefined when omitted or an empty optional. */
export function optionalInput(op: string, v: Value | undefined, name: string): Tensor | undefined {
  if (v === undefined || v === null) return undefined;
  return tensorInput(op, v, name);
}

/** An optional input that also counts as absent when it has no elements (Resize's empty scales/sizes/roi). */
export function nonEmptyInput(op: string, v: Value | undefined, name: string): Tensor | undefined {
  const t = optionalInput(op, v, name);
  return t && t.size > 0 ? t : undefined;
}

/** A string attribute restricted to a set of values. */
export function choice<T extends string>(op: string, value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`${op}: ${what} '${value}' is not supported (expected one of ${allowed.join(', ')})`);
  }
  return value as T;
}

/** Checks a tensor's element type against a list. */
export function expectType(op: string, t: Tensor, name: string, allowed: readonly DType[]): void {
  if (!allowed.includes(t.type)) throw new Error(`${op}: input ${name} has type ${t.type}, expected one of ${allowed.join(', ')}`);
}

/** Checks a tensor's rank. */
export function expectRank(op: string, t: Tensor, name: string, rank: number): void {
  if (t.dims.length !== rank) throw new Error(`${op}: input ${name} must have rank ${rank}, got [${t.dims.join(', ')}]`);
}
