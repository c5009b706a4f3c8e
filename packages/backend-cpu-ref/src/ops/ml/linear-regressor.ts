import { attr, defineKernel } from '@onnx-ts/core';
import { FEATURE_DTYPES, ML_DOMAIN, featureRows, float32Tensor, tensorInput } from './common.js';
import { linearScores } from './linear.js';
import { applyPostTransform, parsePostTransform } from './post-transform.js';

const OP = 'LinearRegressor';

/** Y[n, t] = X[n]·coefficients[t] + intercepts[t], then the post transform; Y is [N, targets]. */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: FEATURE_DTYPES,
    attrs: { coefficients: attr.floats([]), intercepts: attr.floats([]), targets: attr.int(1), post_transform: attr.string('NONE') },
    run: ([input], a) => {
      const x = featureRows(OP, tensorInput(OP, input));
      if (!(a.targets >= 1)) throw new Error(`${OP}: targets is ${a.targets}, expected at least 1`);
      const transform = parsePostTransform(OP, a.post_transform);
      const scores = linearScores(OP, x, a.coefficients, a.intercepts, a.targets);
      applyPostTransform(transform, scores, x.rows, a.targets);
      return [float32Tensor(scores, [x.rows, a.targets])];
    },
  }),
];
