import { FLOAT_DTYPES, attr, defineKernel, shapeSize, type KernelInputs, type Tensor } from '@onnx-ts/core';
import { tensorInput } from '../tensor/args.js';
import { reductionLayout } from '../reduce/layout.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';
import { checkChannelParam, gatheredMeanVariance } from './normalization.js';

interface Params {
  x: Tensor;
  scale: Tensor;
  bias: Tensor;
  mean: Tensor;
  variance: Tensor;
}

function readParams(inputs: KernelInputs): Params {
  const op = 'BatchNormalization';
  return {
    x: tensorInput(op, inputs, 0, 'X'),
    scale: tensorInput(op, inputs, 1, 'scale'),
    bias: tensorInput(op, inputs, 2, 'B'),
    mean: tensorInput(op, inputs, 3, 'input_mean'),
    variance: tensorInput(op, inputs, 4, 'input_var'),
  };
}

interface Result {
  y: Tensor;
  runningMean: Tensor;
  runningVar: Tensor;
  batchMean: Tensor;
  batchVar: Tensor;
}

/**
 * Normalizes X [N, C, D...] per channel (a 1-D X is N values of one channel; `perElement`, the old spatial=0 mode,
 * treats every C·D position as its own channel). In inference Y uses input_mean/input_var; in training it uses the
 * batch mean and population variance, and the running statistics blend the inputs with them by momentum.
 */
function batchNorm(p: Params, epsilon: number, momentum: number, training: boolean, perElement: boolean): Result {
  const op = 'BatchNormalization';
  const { x } = p;
  const dims = x.dims.length === 1 ? [x.dims[0], 1] : x.dims;
  const channels = perElement ? shapeSize(dims.slice(1)) : dims[1];
  const layoutDims = perElement ? [dims[0], channels] : dims;
  for (const [name, t] of [['scale', p.scale], ['B', p.bias], ['input_mean', p.mean], ['input_var', p.variance]] as const) {
    checkChannelParam(op, name, t, channels);
  }
  // Per channel: where its first element is and the offsets of all its elements across N and the spatial dims.
  const { groupStarts, memberOffsets } = reductionLayout(layoutDims, [...layoutDims.keys()].filter((axis) => axis !== 1), false);
  const xs = floatValues(x);
  const [scale, bias, mean, variance] = [p.scale, p.bias, p.mean, p.variance].map(floatValues);
  const batchMean = new Float64Array(channels);
  const batchVar = new Float64Array(channels);
  const y = floatBuffer(x.type, x.size);
  for (let c = 0; c < channels; c++) {
    const start = groupStarts[c];
    let m = mean[c];
    let v = variance[c];
    if (training) {
      [m, v] = gatheredMeanVariance(xs, start, memberOffsets);
      batchMean[c] = m;
      batchVar[c] = v;
    }
    const factor = scale[c] / Math.sqrt(v + epsilon);
    for (let e = 0; e < memberOffsets.length; e++) {
      const i = start + memberOffsets[e];
      y[i] = (xs[i] - m) * factor + bias[c];
    }
  }
  const runningMean = new Float64Array(channels);
  const runningVar = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    runningMean[c] = mean[c] * momentum + batchMean[c] * (1 - momentum);
    runningVar[c] = variance[c] * momentum + batchVar[c] * (1 - momentum);
  }
  return {
    y: floatTensor(x.type, y, x.dims),
    runningMean: floatTensor(p.mean.type, runningMean, p.mean.dims),
    runningVar: floatTensor(p.variance.type, runningVar, p.variance.dims),
    batchMean: floatTensor(p.mean.type, batchMean, p.mean.dims),
    batchVar: floatTensor(p.variance.type, batchVar, p.variance.dims),
  };
}

/**
 * BatchNormalization. Before opset 14 training is implied by asking for the statistics outputs (and, in opsets 1-6,
 * is_test 0): Y, running mean, running variance, batch mean, batch variance. From opset 14 the training_mode
 * attribute selects it and the outputs are Y, running mean, running variance.
 */
export default [
  defineKernel({
    op: 'BatchNormalization', since: 1, until: 13, dtypes: FLOAT_DTYPES,
    attrs: { epsilon: attr.float(1e-5), momentum: attr.float(0.9), is_test: attr.int(0), spatial: attr.int(1) },
    run: (inputs, a, ctx) => {
      const training = a.is_test === 0 && ctx.outputUsed.slice(1).some(Boolean);
      const r = batchNorm(readParams(inputs), a.epsilon, a.momentum, training, a.spatial === 0);
      return training ? [r.y, r.runningMean, r.runningVar, r.batchMean, r.batchVar] : [r.y];
    },
  }),
  defineKernel({
    op: 'BatchNormalization', since: 14, dtypes: FLOAT_DTYPES,
    attrs: { epsilon: attr.float(1e-5), momentum: attr.float(0.9), training_mode: attr.int(0) },
    run: (inputs, a) => {
      const training = a.training_mode !== 0;
      const r = batchNorm(readParams(inputs), a.epsilon, a.momentum, training, false);
      return training ? [r.y, r.runningMean, r.runningVar] : [r.y];
    },
  }),
];
