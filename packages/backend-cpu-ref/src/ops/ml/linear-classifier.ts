import { attr, defineKernel } from '@onnx-ts/core';
import {
  FEATURE_DTYPES, ML_DOMAIN, argMax, classLabels, featureRows, float32Tensor, labelTensor, tensorInput,
} from './common.js';
import { linearScores } from './linear.js';
import { applyPostTransform, parsePostTransform } from './post-transform.js';

const OP = 'LinearClassifier';

/**
 * Scores each class by X·coefficients[e] + intercepts[e] (one coefficient row per class). With two classes and a
 * single row, that row scores the second class and the first gets its negation. Several score columns pick the
 * best class; a single column picks the (first) class when the score reaches 0 (0.5 after a transform).
 * `multi_class` does not change the computation.
 */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: FEATURE_DTYPES,
    attrs: {
      coefficients: attr.floats.required(),
      intercepts: attr.floats([]),
      classlabels_ints: attr.ints(),
      classlabels_strings: attr.strings(),
      multi_class: attr.int(0),
      post_transform: attr.string('NONE'),
    },
    run: ([input], a) => {
      const x = featureRows(OP, tensorInput(OP, input));
      const labels = classLabels(OP, a.classlabels_ints, a.classlabels_strings, ['classlabels_ints', 'classlabels_strings']);
      const transform = parsePostTransform(OP, a.post_transform);
      if (x.cols === 0 || a.coefficients.length % x.cols !== 0) {
        throw new Error(`${OP}: coefficients has ${a.coefficients.length} values, not a multiple of the ${x.cols} features`);
      }
      const rowsOfCoefficients = a.coefficients.length / x.cols;
      let scores = linearScores(OP, x, a.coefficients, a.intercepts, rowsOfCoefficients);
      let cols = rowsOfCoefficients;
      if (rowsOfCoefficients === 1 && labels.values.length === 2) {
        const pair = new Float64Array(x.rows * 2);
        for (let n = 0; n < x.rows; n++) {
          pair[2 * n] = -scores[n];
          pair[2 * n + 1] = scores[n];
        }
        scores = pair;
        cols = 2;
      }
      applyPostTransform(transform, scores, x.rows, cols);
      const picks = new Int32Array(x.rows);
      const threshold = transform === 'NONE' ? 0 : 0.5;
      // Without labels, the single-column case answers 1 or 0.
      const positive = labels.values.length === 0 ? 1 : 0;
      for (let n = 0; n < x.rows; n++) {
        picks[n] = cols > 1 ? argMax(scores, n * cols, cols) : scores[n] >= threshold ? positive : -1;
      }
      return [labelTensor(labels, picks), float32Tensor(scores, [x.rows, cols])];
    },
  }),
];
