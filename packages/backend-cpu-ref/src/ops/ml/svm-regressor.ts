import { attr, defineKernel } from '@onnx-ts/core';
import { FEATURE_DTYPES, ML_DOMAIN, featureRows, float32Tensor, tensorInput } from './common.js';
import { applyPostTransform, parsePostTransform } from './post-transform.js';
import { svmKernel } from './svm-kernel.js';

const OP = 'SVMRegressor';

/**
 * With support vectors: y = Σ_j coefficients[j]·K(x, sv_j) + rho[0]; without (n_supports 0), the linear model
 * y = x·coefficients + rho[0]. A one-class SVM answers 1 or -1 by the sign of y; otherwise the post transform
 * applies. Y is [N, 1].
 */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: FEATURE_DTYPES,
    attrs: {
      coefficients: attr.floats([]),
      kernel_params: attr.floats([]),
      kernel_type: attr.string('LINEAR'),
      n_supports: attr.int(0),
      one_class: attr.int(0),
      post_transform: attr.string('NONE'),
      rho: attr.floats([]),
      support_vectors: attr.floats([]),
    },
    run: ([input], a) => {
      const x = featureRows(OP, tensorInput(OP, input));
      const transform = parsePostTransform(OP, a.post_transform);
      const supports = a.n_supports;
      const linear = supports <= 0;
      const kernel = svmKernel(OP, linear ? 'LINEAR' : a.kernel_type, a.kernel_params);
      const stored = linear ? a.coefficients : a.support_vectors;
      const expected = (linear ? 1 : supports) * x.cols;
      if (stored.length !== expected) {
        throw new Error(`${OP}: ${linear ? 'coefficients' : 'support_vectors'} has ${stored.length} values, expected ${expected}`);
      }
      if (!linear && a.coefficients.length !== supports) {
        throw new Error(`${OP}: coefficients has ${a.coefficients.length} values for ${supports} support vectors`);
      }
      const rho = a.rho[0] ?? 0;
      const y = new Float64Array(x.rows);
      for (let n = 0; n < x.rows; n++) {
        let s = rho;
        if (linear) s += kernel(x.values, n * x.cols, a.coefficients, 0, x.cols);
        else for (let j = 0; j < supports; j++) s += a.coefficients[j] * kernel(x.values, n * x.cols, a.support_vectors, j * x.cols, x.cols);
        y[n] = a.one_class ? (s > 0 ? 1 : -1) : s;
      }
      if (!a.one_class) applyPostTransform(transform, y, x.rows, 1);
      return [float32Tensor(y, [x.rows, 1])];
    },
  }),
];
