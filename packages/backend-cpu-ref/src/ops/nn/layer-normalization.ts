import { FLOAT_DTYPES, attr, defineKernel, normalizeAxis, shapeSize } from '@onnx-ts/core';
import { optionalTensor, tensorInput } from '../tensor/args.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';
import { broadcastParam, meanVariance, stashType } from './normalization.js';

/**
 * LayerNormalization: X viewed as [outer, inner] at `axis`; each row is normalized by its mean and variance, then
 * scaled and shifted by Scale and B (unidirectionally broadcast to X). Mean and InvStdDev have X's dims up to axis
 * and 1 after, in the stash_type.
 */
export default [
  defineKernel({
    op: 'LayerNormalization', since: 17, dtypes: FLOAT_DTYPES,
    attrs: { axis: attr.int(-1), epsilon: attr.float(1e-5), stash_type: attr.int(1) },
    run: (inputs, a, ctx) => {
      const op = 'LayerNormalization';
      const x = tensorInput(op, inputs, 0, 'X');
      const scale = tensorInput(op, inputs, 1, 'Scale');
      const bias = optionalTensor(op, inputs, 2, 'B');
      const statsType = stashType(op, a.stash_type);
      const axis = normalizeAxis(a.axis, x.dims.length, `${op}: axis`);
      const outer = shapeSize(x.dims.slice(0, axis));
      const inner = shapeSize(x.dims.slice(axis));
      const scaleAt = broadcastParam(op, 'Scale', scale, x.dims);
      const biasAt = bias && broadcastParam(op, 'B', bias, x.dims);
      const xs = floatValues(x);
      const s = floatValues(scale);
      const b = bias && floatValues(bias);
      const y = floatBuffer(x.type, x.size);
      const means = new Float64Array(outer);
      const invStdDevs = new Float64Array(outer);
      for (let row = 0; row < outer; row++) {
        const start = row * inner;
        const [mean, variance] = meanVariance(xs, start, inner);
        const invStdDev = 1 / Math.sqrt(variance + a.epsilon);
        means[row] = mean;
        invStdDevs[row] = invStdDev;
        for (let i = start; i < start + inner; i++) {
          const scaled = (xs[i] - mean) * invStdDev * s[scaleAt.index ? scaleAt.index[i] : i % scaleAt.period];
          y[i] = b && biasAt ? scaled + b[biasAt.index ? biasAt.index[i] : i % biasAt.period] : scaled;
        }
      }
      const statsDims = x.dims.map((d, i) => (i < axis ? d : 1));
      const outputs = [floatTensor(x.type, y, x.dims)];
      if (ctx.outputUsed[1] || ctx.outputUsed[2]) {
        outputs.push(floatTensor(statsType, means, statsDims), floatTensor(statsType, invStdDevs, statsDims));
      }
      return outputs;
    },
  }),
];
