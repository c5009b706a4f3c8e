/** Element types QuantizeLinear and DequantizeLinear accept, by the opset that added them. */
import type { DType } from '@onnx-ts/core';

/** [opset, types added in it]; a type is allowed from its opset on. */
type Additions = readonly (readonly [number, readonly DType[]])[];

function allowedAt(additions: Additions, opset: number): DType[] {
  return additions.filter(([since]) => since <= opset).flatMap(([, types]) => types);
}

const QUANTIZED: Additions = [
  [10, ['int8', 'uint8']],
  [19, ['float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz']],
  [21, ['int16', 'uint16', 'int4', 'uint4']],
  [23, ['float4e2m1']],
  [25, ['int2', 'uint2']],
];

const FULL_PRECISION: Additions = [
  [10, ['float32']],
  [19, ['float16', 'bfloat16']],
];

/** Types of QuantizeLinear's y and y_zero_point, and DequantizeLinear's x (which also takes int32). */
export const quantizedTypes = (opset: number): DType[] => allowedAt(QUANTIZED, opset);

/** Types of QuantizeLinear's x (int32 included) and DequantizeLinear's output. */
export const fullPrecisionTypes = (opset: number): DType[] => allowedAt(FULL_PRECISION, opset);

/** Types of the scale: full precision, int32 for QuantizeLinear from 23, float8e8m0 from 24. */
export function scaleTypes(opset: number, quantize: boolean): DType[] {
  const types = fullPrecisionTypes(opset);
  if (quantize && opset >= 23) types.push('int32');
  if (opset >= 24) types.push('float8e8m0');
  return types;
}
