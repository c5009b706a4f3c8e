/** Reading the inputs and type attributes of this family's ops with errors that name them. */
import { FLOAT_DTYPES, describeValue, dtypeFromCode, type DType, type KernelInputs, type Tensor, type Value } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';

/** Input `index` as a sequence; throws naming the op and input when it is missing or not a sequence. */
export function sequenceInput(op: string, inputs: KernelInputs, index: number, name: string): Value[] {
  const v = inputs[index];
  if (!Array.isArray(v)) throw new Error(`${op}: input '${name}' must be a sequence, got ${v === undefined ? 'nothing' : describeValue(v)}`);
  return v;
}

/** The one value of a scalar (or one-element) float input. */
export function readFloatScalar(op: string, t: Tensor, name: string): number {
  if (t.size !== 1) throw new Error(`${op}: '${name}' must hold one value, got shape [${t.dims.join(', ')}]`);
  if (!FLOAT_DTYPES.includes(t.type)) throw new Error(`${op}: '${name}' must be a float tensor, got ${t.type}`);
  return toNumbers(t)[0];
}

/** An element type given as a TensorProto.DataType code attribute, checked against the types the op allows. */
export function dtypeAttribute(op: string, code: number, name: string, allowed: readonly DType[]): DType {
  let type: DType;
  try {
    type = dtypeFromCode(code);
  } catch {
    throw new Error(`${op}: attribute '${name}' is ${code}, which is not an ONNX element type`);
  }
  if (!allowed.includes(type)) throw new Error(`${op}: attribute '${name}' asks for ${type}; allowed: ${allowed.join(', ')}`);
  return type;
}
