/**
 * QuantizeLinear: y = saturate(round_half_even(x / y_scale) + y_zero_point), or for float8/float4 outputs
 * y = cast(x / y_scale + y_zero_point) with optional saturation. Opsets 10 (per-tensor), 13 (per-axis),
 * 19 (float8, saturate), 21 (blocked, output_dtype, 4/16-bit), 23 (precision, float4e2m1), 24 (float8e8m0 scale),
 * 25 (2-bit).
 */
import { Tensor, allocData, attr, defineKernel, dtypeFromCode, encodeFloatCode, type DType } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';
import { expectType, optionalInput, tensorInput } from './inputs.js';
import { INT_RANGES, clamp, roundHalfEven, roundToType } from './numeric.js';
import { scaleIndexFor, type GranularityArgs } from './quant-granularity.js';
import { fullPrecisionTypes, quantizedTypes, scaleTypes } from './quant-types.js';

const OP = 'QuantizeLinear';

interface QuantizeArgs extends GranularityArgs {
  saturate: boolean;
  /** Element type whose precision the division x / y_scale is carried out in. */
  divisionType: DType;
  outputType: DType;
}

/** Quantizes x; exported for DynamicQuantizeLinear, whose last step is this operation. */
export function quantize(x: Tensor, scale: Tensor, zeroPoint: Tensor | undefined, a: QuantizeArgs): Tensor {
  const index = scaleIndexFor(OP, x, scale, zeroPoint, a);
  const xs = toNumbers(x);
  const scales = toNumbers(scale);
  const zps = zeroPoint ? toNumbers(zeroPoint) : new Float64Array(scales.length);
  const out = allocData(a.outputType, x.size) as Int32Array | Uint8Array;
  const range = INT_RANGES[a.outputType];
  for (let i = 0; i < x.size; i++) {
    const k = index ? index[i] : 0;
    const q = roundToType(a.divisionType, xs[i] / scales[k]);
    out[i] = range
      ? clamp(roundHalfEven(q) + zps[k], range[0], range[1])
      : encodeFloatCode(a.outputType, q + zps[k], a.saturate);
  }
  return new Tensor(a.outputType, out as never, x.dims);
}

/** Types the division can be carried out in; an int32 scale divides exactly (in float64). */
const DIVISION_TYPES: readonly DType[] = ['float32', 'float16', 'bfloat16', 'float64', 'int32'];

const ATTRS = {
  axis: attr.int(1),
  saturate: attr.int(1),
  block_size: attr.int(0),
  output_dtype: attr.int(0),
  precision: attr.int(0),
};

export default [
  defineKernel({
    op: OP, since: 10,
    attrs: ATTRS,
    run: ([xIn, scaleIn, zpIn], a, ctx) => {
      const x = tensorInput(OP, xIn, 'x');
      const scale = tensorInput(OP, scaleIn, 'y_scale');
      const zeroPoint = optionalInput(OP, zpIn, 'y_zero_point');
      expectType(OP, x, 'x', [...fullPrecisionTypes(ctx.opset), 'int32']);
      expectType(OP, scale, 'y_scale', scaleTypes(ctx.opset, true));
      const requested = ctx.opset >= 21 && a.output_dtype !== 0 ? dtypeFromCode(a.output_dtype) : undefined;
      if (zeroPoint && requested && requested !== zeroPoint.type) {
        throw new Error(`${OP}: output_dtype ${requested} does not match y_zero_point type ${zeroPoint.type}`);
      }
      const outputType = zeroPoint?.type ?? requested ?? 'uint8';
      const allowed = quantizedTypes(ctx.opset);
      if (!allowed.includes(outputType)) {
        throw new Error(`${OP}: output type ${outputType} is not supported at opset ${ctx.opset} (expected one of ${allowed.join(', ')})`);
      }
      let divisionType = ctx.opset >= 23 && a.precision !== 0 ? dtypeFromCode(a.precision) : scale.type;
      // A float8e8m0 scale is a power of two: dividing by it is exact in float32.
      if (divisionType === 'float8e8m0') divisionType = 'float32';
      if (!DIVISION_TYPES.includes(divisionType)) {
        throw new Error(`${OP}: division precision ${divisionType} is not supported (expected one of ${DIVISION_TYPES.join(', ')})`);
      }
      return [quantize(x, scale, zeroPoint, {
        axis: a.axis,
        blockSize: ctx.opset >= 21 ? a.block_size : 0,
        allow: ctx.opset >= 21 ? 'block' : ctx.opset >= 13 ? 'axis' : 'tensor',
        saturate: a.saturate !== 0,
        divisionType,
        outputType,
      })];
    },
  }),
];
