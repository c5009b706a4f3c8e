import { FLOAT_DTYPES, attr, defineKernel, shapeSize } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../../util/elementwise.js';
import { optionalTensor, tensorInput } from '../../tensor/args.js';
import { negativeLogLikelihood, readReduction } from './nll.js';

/** log(softmax(x)) over axis 1 of [N, C, d1, ..., dk], computed stably from the maximum of each class vector. */
function logSoftmaxOverClasses(x: Float64Array, dims: readonly number[]): Float64Array {
  const [n, classes] = dims;
  const inner = shapeSize(dims.slice(2));
  const out = new Float64Array(x.length);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < inner; i++) {
      // Class c of this vector is at base + c * inner.
      const base = s * classes * inner + i;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, x[base + c * inner]);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(x[base + c * inner] - max);
      const logSum = max + Math.log(sum);
      for (let c = 0; c < classes; c++) out[base + c * inner] = x[base + c * inner] - logSum;
    }
  }
  return out;
}

/** SoftmaxCrossEntropyLoss: NegativeLogLikelihoodLoss of log(softmax(scores)), which is also output 1. */
export default [
  defineKernel({
    op: 'SoftmaxCrossEntropyLoss', since: 12, dtypes: FLOAT_DTYPES,
    attrs: { ignore_index: attr.int(), reduction: attr.string('mean') },
    run: (inputs, { ignore_index, reduction }, ctx) => {
      const op = 'SoftmaxCrossEntropyLoss';
      const scores = tensorInput(op, inputs, 0, 'scores');
      if (scores.dims.length < 2) throw new Error(`${op}: scores must be [N, C, ...], got [${scores.dims.join(', ')}]`);
      const logProb = logSoftmaxOverClasses(toNumbers(scores), scores.dims);
      const loss = negativeLogLikelihood(op, {
        logProb,
        dims: scores.dims,
        target: tensorInput(op, inputs, 1, 'labels'),
        weight: optionalTensor(op, inputs, 2, 'weights'),
        reduction: readReduction(op, reduction),
        ignoreIndex: ignore_index,
      });
      const out = [fromNumbers(scores.type, loss.values, loss.dims)];
      if (ctx.outputUsed[1]) out.push(fromNumbers(scores.type, logProb, scores.dims));
      return out;
    },
  }),
];
