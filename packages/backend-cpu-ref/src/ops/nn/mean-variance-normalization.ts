import { FLOAT_DTYPES, attr, defineKernel } from '@onnx-ts/core';
import { normalizeAxes, reductionLayout } from '../reduce/layout.js';
import { tensorInput } from '../tensor/args.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';
import { gatheredMeanVariance } from './normalization.js';

/** The spec's epsilon, added to the standard deviation (not the variance). */
const EPSILON = 1e-9;

/** MeanVarianceNormalization: (X - mean) / (std + 1e-9), mean and std taken over `axes` (default N, H, W). */
export default [
  defineKernel({
    op: 'MeanVarianceNormalization', since: 9, dtypes: FLOAT_DTYPES,
    attrs: { axes: attr.ints([0, 2, 3]) },
    run: (inputs, a) => {
      const x = tensorInput('MeanVarianceNormalization', inputs, 0, 'X');
      const axes = normalizeAxes(a.axes, x.dims.length, 'MeanVarianceNormalization: axes');
      const { groupStarts, memberOffsets } = reductionLayout(x.dims, axes, true);
      const xs = floatValues(x);
      const y = floatBuffer(x.type, x.size);
      for (const start of groupStarts) {
        const [mean, variance] = gatheredMeanVariance(xs, start, memberOffsets);
        const divisor = Math.sqrt(variance) + EPSILON;
        for (const offset of memberOffsets) y[start + offset] = (xs[start + offset] - mean) / divisor;
      }
      return [floatTensor(x.type, y, x.dims)];
    },
  }),
];
