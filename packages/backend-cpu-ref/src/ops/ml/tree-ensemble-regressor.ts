import { attr, defineKernel } from '@onnx-ts/core';
import { FEATURE_DTYPES, ML_DOMAIN, featureRows, float32Tensor, floatsOrTensor, tensorInput } from './common.js';
import { applyPostTransform, parsePostTransform } from './post-transform.js';
import { AGGREGATES, evaluateForest, validateForest, type Aggregate } from './tree-engine.js';
import { addBaseValues, buildLegacyForest, legacyNodeAttrs } from './tree-legacy.js';

const OP = 'TreeEnsembleRegressor';
const FLOAT32_MAX = 3.4028234663852886e38;

/** Versions 1 and 3 differ only by the `*_as_tensor` attributes; version 5 deprecates the op, which still runs. */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: FEATURE_DTYPES,
    attrs: {
      ...legacyNodeAttrs,
      aggregate_function: attr.string('SUM'),
      n_targets: attr.int(1),
      target_treeids: attr.ints([]),
      target_nodeids: attr.ints([]),
      target_ids: attr.ints([]),
      target_weights: attr.floats(),
      target_weights_as_tensor: attr.tensor(),
    },
    run: ([input], a) => {
      const x = tensorInput(OP, input);
      const aggregate = AGGREGATES.find((g) => g === a.aggregate_function) as Aggregate | undefined;
      if (!aggregate) throw new Error(`${OP}: aggregate_function '${a.aggregate_function}' is not AVERAGE, SUM, MIN or MAX`);
      const transform = parsePostTransform(OP, a.post_transform);
      const forest = buildLegacyForest(OP, a, {
        treeIds: a.target_treeids, nodeIds: a.target_nodeids, targets: a.target_ids,
        weights: floatsOrTensor(OP, 'target_weights', a.target_weights, a.target_weights_as_tensor) ?? [],
      });
      validateForest(OP, forest, a.n_targets);
      const rows = featureRows(OP, x);
      const scores = evaluateForest(OP, forest, rows, a.n_targets, aggregate, FLOAT32_MAX);
      addBaseValues(OP, scores, floatsOrTensor(OP, 'base_values', a.base_values, a.base_values_as_tensor), a.n_targets);
      applyPostTransform(transform, scores, rows.rows, a.n_targets);
      return [float32Tensor(scores, [rows.rows, a.n_targets])];
    },
  }),
];
