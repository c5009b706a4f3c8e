/** Input checks shared by the ops of this family; each names the op, the input, and what was expected. */
import { isTensor, type DType, type KernelInputs, type Tensor } from '@onnx-ts/core';

export function expectTensor(op: string, name: string, value: KernelInputs[number]): Tensor {
  if (!isTensor(value)) throw new Error(`${op}: input '${name}' should be a tensor, got ${value === undefined ? 'nothing' : typeof value}`);
  return value;
}

/** The tensor of an optional input, or undefined when it is omitted or an empty optional. */
export function optionalTensor(op: string, name: string, value: KernelInputs[number]): Tensor | undefined {
  return value === undefined || value === null ? undefined : expectTensor(op, name, value);
}

export function expectDims(op: string, name: string, t: Tensor, dims: readonly number[]): void {
  if (t.dims.length !== dims.length || t.dims.some((d, i) => d !== dims[i])) {
    throw new Error(`${op}: input '${name}' should have shape [${dims.join(', ')}], got [${t.dims.join(', ')}]`);
  }
}

export function expectRank(op: string, name: string, t: Tensor, rank: number): void {
  if (t.dims.length !== rank) throw new Error(`${op}: input '${name}' should have rank ${rank}, got [${t.dims.join(', ')}]`);
}

export function expectType(op: string, name: string, t: Tensor, type: DType, like: string): void {
  if (t.type !== type) throw new Error(`${op}: input '${name}' should be ${type} like ${like}, got ${t.type}`);
}

/** The first `names.length` inputs as tensors, all of the first one's element type. */
export function sameTypeTensors(op: string, inputs: KernelInputs, names: readonly string[]): Tensor[] {
  const tensors = names.map((name, i) => expectTensor(op, name, inputs[i]));
  for (let i = 1; i < tensors.length; i++) expectType(op, names[i], tensors[i], tensors[0].type, names[0]);
  return tensors;
}
