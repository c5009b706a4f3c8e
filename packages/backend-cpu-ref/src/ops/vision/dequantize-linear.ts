/**
 * DequantizeLinear: y = (x - x_zero_point) * x_scale. Opsets 10 (per-tensor, float output), 13 (per-axis),
 * 19 (float8 x, float16/bfloat16 scale), 21 (blocked, 4/16-bit), 23 (output_dtype, float4e2m1),
 * 24 (float8e8m0 scale), 25 (2-bit). The output type is the scale's unless output_dtype says otherwise.
 */
import { attr, defineKernel, dtypeFromCode } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../util/elementwise.js';
import { expectType, optionalInput, tensorInput } from './inputs.js';
import { scaleIndexFor } from './quant-granularity.js';
import { fullPrecisionTypes, quantizedTypes, scaleTypes } from './quant-types.js';

const OP = 'DequantizeLinear';

export default [
  defineKernel({
    op: OP, since: 10,
    attrs: { axis: attr.int(1), block_size: attr.int(0), output_dtype: attr.int(0) },
    run: ([xIn, scaleIn, zpIn], a, ctx) => {
      const x = tensorInput(OP, xIn, 'x');
      const scale = tensorInput(OP, scaleIn, 'x_scale');
      const zeroPoint = optionalInput(OP, zpIn, 'x_zero_point');
      expectType(OP, x, 'x', [...quantizedTypes(ctx.opset), 'int32']);
      expectType(OP, scale, 'x_scale', scaleTypes(ctx.opset, false));
      if (zeroPoint && zeroPoint.type !== x.type) {
        throw new Error(`${OP}: x_zero_point type ${zeroPoint.type} must equal x type ${x.type}`);
      }
      const outputType = ctx.opset >= 23 && a.output_dtype !== 0 ? dtypeFromCode(a.output_dtype) : scale.type;
      const outputs = fullPrecisionTypes(ctx.opset);
      if (!outputs.includes(outputType)) {
        throw new Error(`${OP}: output type ${outputType} is not supported (expected one of ${outputs.join(', ')}; set output_dtype)`);
      }
      const index = scaleIndexFor(OP, x, scale, zeroPoint, {
        axis: a.axis,
        blockSize: ctx.opset >= 21 ? a.block_size : 0,
        allow: ctx.opset >= 21 ? 'block' : ctx.opset >= 13 ? 'axis' : 'tensor',
      });
      const xs = toNumbers(x);
      const scales = toNumbers(scale);
      const zps = zeroPoint ? toNumbers(zeroPoint) : new Float64Array(scales.length);
      const y = new Float64Array(x.size);
      for (let i = 0; i < x.size; i++) {
        const k = index ? index[i] : 0;
        y[i] = (xs[i] - zps[k]) * scales[k];
      }
      return [fromNumbers(outputType, y, x.dims)];
    },
  }),
];
