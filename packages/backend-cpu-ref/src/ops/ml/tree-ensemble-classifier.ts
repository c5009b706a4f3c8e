import { attr, defineKernel } from '@onnx-ts/core';
import {
  FEATURE_DTYPES, ML_DOMAIN, argMax, classLabels, featureRows, float32Tensor, floatsOrTensor, labelTensor, tensorInput,
} from './common.js';
import { applyPostTransform, parsePostTransform, type PostTransform } from './post-transform.js';
import { evaluateForest, validateForest } from './tree-engine.js';
import { addBaseValues, buildLegacyForest, legacyNodeAttrs } from './tree-legacy.js';

const OP = 'TreeEnsembleClassifier';

/**
 * With at most two classes and every weight voting for one class c, the score s of c is the positive class and the
 * negative one is derived from it: 1 - s before NONE/PROBIT, -s before the other transforms (as in the ONNX
 * reference), so a LOGISTIC model yields [1 - p, p].
 */
function binaryScores(scores: Float64Array, rows: number, classes: number, c: number, transform: PostTransform): Float64Array {
  const out = new Float64Array(rows * 2);
  for (let n = 0; n < rows; n++) {
    const s = scores[n * classes + c];
    out[n * 2 + 1] = s;
    out[n * 2] = transform === 'NONE' || transform === 'PROBIT' ? 1 - s : -s;
  }
  return out;
}

/** Versions 1 and 3 differ only by the `*_as_tensor` attributes; version 5 deprecates the op, which still runs. */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: FEATURE_DTYPES,
    attrs: {
      ...legacyNodeAttrs,
      class_treeids: attr.ints([]),
      class_nodeids: attr.ints([]),
      class_ids: attr.ints([]),
      class_weights: attr.floats(),
      class_weights_as_tensor: attr.tensor(),
      classlabels_int64s: attr.ints(),
      classlabels_strings: attr.strings(),
    },
    run: ([input], a) => {
      const x = tensorInput(OP, input);
      const labels = classLabels(OP, a.classlabels_int64s, a.classlabels_strings, ['classlabels_int64s', 'classlabels_strings']);
      const classes = labels.values.length;
      if (classes === 0) throw new Error(`${OP}: one of classlabels_int64s and classlabels_strings must list the classes`);
      const transform = parsePostTransform(OP, a.post_transform);
      const forest = buildLegacyForest(OP, a, {
        treeIds: a.class_treeids, nodeIds: a.class_nodeids, targets: a.class_ids,
        weights: floatsOrTensor(OP, 'class_weights', a.class_weights, a.class_weights_as_tensor) ?? [],
      });
      validateForest(OP, forest, classes);
      const rows = featureRows(OP, x);
      let scores = evaluateForest(OP, forest, rows, classes, 'SUM', 0);
      addBaseValues(OP, scores, floatsOrTensor(OP, 'base_values', a.base_values, a.base_values_as_tensor), classes);

      const voted = new Set(a.class_ids);
      const binary = classes <= 2 && voted.size === 1;
      const cols = binary ? 2 : classes;
      if (binary) scores = binaryScores(scores, rows.rows, classes, a.class_ids[0], transform);
      applyPostTransform(transform, scores, rows.rows, cols);

      const picks = new Int32Array(rows.rows);
      for (let n = 0; n < rows.rows; n++) {
        const best = argMax(scores, n * cols, cols);
        // A single listed class is the positive column of the binary pair; the other column has no label.
        picks[n] = binary && classes === 1 ? best - 1 : best;
      }
      return [labelTensor(labels, picks), float32Tensor(scores, [rows.rows, cols])];
    },
  }),
];
