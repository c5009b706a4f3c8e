import { FLOAT_DTYPES, attr, defineKernel, shapeSize, type KernelInputs, type Tensor } from '@onnx-ts/core';
import { tensorInput } from '../tensor/args.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';
import { checkChannelParam, meanVariance, stashType } from './normalization.js';

/**
 * Normalizes X [N, C, D...] per instance and group of C/num_groups channels, then scales and shifts with one
 * scale/bias value per group (opset 18) or per channel (opset 21).
 */
function groupNorm(inputs: KernelInputs, epsilon: number, numGroups: number, perChannel: boolean): Tensor {
  const op = 'GroupNormalization';
  const x = tensorInput(op, inputs, 0, 'X');
  const scale = tensorInput(op, inputs, 1, 'scale');
  const bias = tensorInput(op, inputs, 2, 'bias');
  if (x.dims.length < 2) throw new Error(`${op}: X must be [N, C, D...], got [${x.dims.join(', ')}]`);
  const [batch, channels] = x.dims;
  if (!(numGroups >= 1) || channels % numGroups !== 0) {
    throw new Error(`${op}: num_groups ${numGroups} must be positive and divide the ${channels} channels`);
  }
  const params = perChannel ? channels : numGroups;
  checkChannelParam(op, 'scale', scale, params);
  checkChannelParam(op, 'bias', bias, params);
  const groupChannels = channels / numGroups;
  const planeSize = shapeSize(x.dims.slice(2));
  const groupSize = groupChannels * planeSize;
  const xs = floatValues(x);
  const [s, b] = [floatValues(scale), floatValues(bias)];
  const y = floatBuffer(x.type, x.size);
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < numGroups; g++) {
      const start = (n * numGroups + g) * groupSize;
      const [mean, variance] = meanVariance(xs, start, groupSize);
      const invStdDev = 1 / Math.sqrt(variance + epsilon);
      for (let c = 0; c < groupChannels; c++) {
        const param = perChannel ? g * groupChannels + c : g;
        const planeStart = start + c * planeSize;
        for (let i = planeStart; i < planeStart + planeSize; i++) y[i] = (xs[i] - mean) * invStdDev * s[param] + b[param];
      }
    }
  }
  return floatTensor(x.type, y, x.dims);
}

/** GroupNormalization (opset 18: scale and bias per group; opset 21: per channel, with stash_type). */
export default [
  defineKernel({
    op: 'GroupNormalization', since: 18, until: 20, dtypes: FLOAT_DTYPES,
    attrs: { epsilon: attr.float(1e-5), num_groups: attr.int.required() },
    run: (inputs, a) => [groupNorm(inputs, a.epsilon, a.num_groups, false)],
  }),
  defineKernel({
    op: 'GroupNormalization', since: 21, dtypes: FLOAT_DTYPES,
    attrs: { epsilon: attr.float(1e-5), num_groups: attr.int.required(), stash_type: attr.int(1) },
    run: (inputs, a) => {
      stashType('GroupNormalization', a.stash_type);
      return [groupNorm(inputs, a.epsilon, a.num_groups, true)];
    },
  }),
];
