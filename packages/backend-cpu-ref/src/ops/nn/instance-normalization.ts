import { FLOAT_DTYPES, attr, defineKernel, shapeSize } from '@onnx-ts/core';
import { tensorInput } from '../tensor/args.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';
import { checkChannelParam, meanVariance } from './normalization.js';

/** InstanceNormalization: each (n, c) plane of X [N, C, D...] normalized by its own mean and variance, then scale·x + B. */
export default [
  defineKernel({
    op: 'InstanceNormalization', since: 1, dtypes: FLOAT_DTYPES,
    attrs: { epsilon: attr.float(1e-5) },
    run: (inputs, { epsilon }) => {
      const op = 'InstanceNormalization';
      const x = tensorInput(op, inputs, 0, 'input');
      const scale = tensorInput(op, inputs, 1, 'scale');
      const bias = tensorInput(op, inputs, 2, 'B');
      if (x.dims.length < 2) throw new Error(`${op}: input must be [N, C, D...], got [${x.dims.join(', ')}]`);
      const [batch, channels] = x.dims;
      checkChannelParam(op, 'scale', scale, channels);
      checkChannelParam(op, 'B', bias, channels);
      const planeSize = shapeSize(x.dims.slice(2));
      const xs = floatValues(x);
      const [s, b] = [floatValues(scale), floatValues(bias)];
      const y = floatBuffer(x.type, x.size);
      for (let plane = 0; plane < batch * channels; plane++) {
        const c = plane % channels;
        const start = plane * planeSize;
        const [mean, variance] = meanVariance(xs, start, planeSize);
        const factor = s[c] / Math.sqrt(variance + epsilon);
        for (let i = start; i < start + planeSize; i++) y[i] = (xs[i] - mean) * factor + b[c];
      }
      return [floatTensor(x.type, y, x.dims)];
    },
  }),
];
