/**
 * QLinearConv (opset 10): the integer convolution of ConvInteger plus an int32 bias, requantized with
 * x_scale·w_scale/y_scale (w_scale per tensor or per output channel) and y_zero_point.
 */
import { Tensor, allocData, defineKernel, shapeSize } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';
import { expectType, optionalInput, tensorInput } from './inputs.js';
import { CONV_ATTRS, convGeometry, convInt32, shiftedOperands } from './integer-conv.js';
import { INT_RANGES, clamp, roundHalfEven } from './numeric.js';

const OP = 'QLinearConv';

/** One value per output channel from a scalar or a 1-D tensor of `channels` values. */
function perChannel(name: string, t: Tensor, channels: number): Float64Array {
  const v = toNumbers(t);
  if (t.size === 1) return new Float64Array(channels).fill(v[0]);
  if (t.dims.length !== 1 || t.size !== channels) {
    throw new Error(`${OP}: ${name} must be a scalar or have ${channels} values (one per output channel), got [${t.dims.join(', ')}]`);
  }
  return v;
}

export default [
  defineKernel({
    op: OP, since: 10,
    dtypes: ['int8', 'uint8'],
    attrs: CONV_ATTRS,
    run: (inputs, a, ctx) => {
      const names = ['x', 'x_scale', 'x_zero_point', 'w', 'w_scale', 'w_zero_point', 'y_scale', 'y_zero_point'];
      const [x, xScale, xZp, w, wScale, wZp, yScale, yZp] = names.map((name, i) => tensorInput(OP, inputs[i], name));
      const bias = optionalInput(OP, inputs[8], 'B');
      expectType(OP, x, 'x', ['int8', 'uint8']);
      expectType(OP, w, 'w', ['int8', 'uint8']);
      expectType(OP, yZp, 'y_zero_point', ['int8', 'uint8']);
      for (const [t, name] of [[xScale, 'x_scale'], [wScale, 'w_scale'], [yScale, 'y_scale']] as const) expectType(OP, t, name, ['float32']);
      if (xScale.size !== 1 || yScale.size !== 1 || yZp.size !== 1) {
        throw new Error(`${OP}: x_scale, y_scale and y_zero_point must be scalars`);
      }
      const g = convGeometry(OP, x, w, a);
      const outDims = [g.batch, g.outChannels, ...g.window.grid];
      const outSize = shapeSize(g.window.grid);
      ctx.checkAllocation(yZp.type, shapeSize(outDims));
      const [xs, ws] = shiftedOperands(OP, x, xZp, w, wZp);
      const acc = convInt32(xs, ws, g);
      const M = g.outChannels;
      const wScales = perChannel('w_scale', wScale, M);
      let biases: Int32Array = new Int32Array(M);
      if (bias) {
        expectType(OP, bias, 'B', ['int32']);
        if (bias.dims.length !== 1 || bias.size !== M) throw new Error(`${OP}: B must have ${M} values, got [${bias.dims.join(', ')}]`);
        biases = bias.data as Int32Array;
      }
      const xS = toNumbers(xScale)[0];
      const yS = toNumbers(yScale)[0];
      const zero = toNumbers(yZp)[0];
      const [lo, hi] = INT_RANGES[yZp.type]!;
      const out = allocData(yZp.type, acc.length) as Int8Array | Uint8Array;
      for (let n = 0, i = 0; n < g.batch; n++) {
        for (let m = 0; m < M; m++) {
          // The requantization multiplier is formed in float32, the scales' type.
          const multiplier = Math.fround(Math.fround(xS * wScales[m]) / yS);
          for (let p = 0; p < outSize; p++, i++) {
            out[i] = clamp(roundHalfEven(((acc[i] + biases[m]) | 0) * multiplier + zero), lo, hi);
          }
        }
      }
      return [new Tensor(yZp.type, out, outDims)];
    },
  }),
];
