// The tree ensembles of ai.onnx.ml (TreeEnsemble 5, TreeEnsembleRegressor, TreeEnsembleClassifier), run through a
// session. Every expected score is worked out by hand by following the trees drawn in the comments.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { f32, i32, rejects } from './tensor-harness.js';
import { close, runMl, scores } from './ml-helpers.js';

const FLT_MAX = 3.4028234663852886e38;
const logistic = (v: number) => 1 / (1 + Math.exp(-v));
const u8 = (values: number[]) => new Tensor('uint8', Uint8Array.from(values), [values.length]);

/*
 * Tree 0: node 0 tests x0 <= 2.5 (NaN goes true) → node 1, else leaf 2 (target 0, +30).
 *         node 1 tests x1 ∈ {1, 3} → leaf 0 (target 0, +10), else leaf 1 (target 1, +20).
 * Tree 1: node 2 has both branches on leaf 3 (target 1, +4): a tree that is a single leaf.
 */
const v5Forest = (aggregate: number, postTransform = 0) => ({
  n_targets: 2,
  aggregate_function: aggregate,
  post_transform: postTransform,
  tree_roots: [0, 2],
  nodes_featureids: [0, 1, 0],
  nodes_modes: u8([0, 6, 0]),
  nodes_splits: f32([2.5, 0, 0]),
  nodes_truenodeids: [1, 0, 3],
  nodes_trueleafs: [0, 1, 1],
  nodes_falsenodeids: [2, 1, 3],
  nodes_falseleafs: [1, 1, 1],
  nodes_missing_value_tracks_true: [1, 0, 0],
  membership_values: f32([1, 3, NaN]),
  leaf_targetids: [0, 1, 0, 1],
  leaf_weights: f32([10, 20, 30, 4]),
});
const v5Rows = f32([1, 3, 2, 2, 5, 1, NaN, 1], [4, 2]);

test('TreeEnsemble follows LEQ, set membership and NaN branches and sums per target', async () => {
  const y = await runMl('TreeEnsemble', [v5Rows], v5Forest(1), { opset: 5 });
  assert.equal(scores(y), { dims: [4, 2], type: 'float32', data: [10, 4, 0, 24, 30, 4, 10, 4] });
});

test('TreeEnsemble AVERAGE divides by the tree count; MIN and MAX start from the type extremes', async () => {
  assert.equal(scores(await runMl('TreeEnsemble', [v5Rows], v5Forest(0), { opset: 5 })).data, [5, 2, 0, 12, 15, 2, 5, 2]);
  assert.equal(scores(await runMl('TreeEnsemble', [v5Rows], v5Forest(2), { opset: 5 })).data, [10, 4, FLT_MAX, 4, 30, 4, 10, 4]);
  assert.equal(scores(await runMl('TreeEnsemble', [v5Rows], v5Forest(3), { opset: 5 })).data, [10, 4, -FLT_MAX, 20, 30, 4, 10, 4]);
});

test('TreeEnsemble applies the post transform and keeps float64 inputs in float64', async () => {
  const y = await runMl('TreeEnsemble', [v5Rows], v5Forest(1, 2), { opset: 5 });
  close(scores(y).data, [10, 4, 0, 24, 30, 4, 10, 4].map(logistic));
  const f64 = (t: Tensor) => new Tensor('float64', Float64Array.from(t.data as Float32Array), t.dims);
  const forest = v5Forest(1);
  const doubles = { ...forest, nodes_splits: f64(forest.nodes_splits), leaf_weights: f64(forest.leaf_weights), membership_values: f64(forest.membership_values) };
  const y64 = await runMl('TreeEnsemble', [f64(v5Rows)], doubles, { opset: 5 });
  assert.equal(scores(y64), { dims: [4, 2], type: 'float64', data: [10, 4, 0, 24, 30, 4, 10, 4] });
});

test('TreeEnsemble rejects mismatched split types, unknown features and cyclic trees', async () => {
  const forest = v5Forest(1);
  const f64Splits = new Tensor('float64', Float64Array.from([2.5, 0, 0]), [3]);
  await rejects(() => runMl('TreeEnsemble', [v5Rows], { ...forest, nodes_splits: f64Splits }, { opset: 5 }), /nodes_splits is float64 but X is float32/);
  await rejects(() => runMl('TreeEnsemble', [f32([1], [1, 1])], forest, { opset: 5 }), /tests feature 1 but X has 1 features/);
  const cyclic = { ...forest, nodes_truenodeids: [1, 0, 3], nodes_trueleafs: [0, 0, 1] };
  await rejects(() => runMl('TreeEnsemble', [v5Rows], cyclic, { opset: 5 }), /cycle/);
  await rejects(() => runMl('TreeEnsemble', [v5Rows], { ...forest, leaf_targetids: [0, 1, 0, 2] }, { opset: 5 }), /target\/class 2/);
});

/*
 * Legacy encoding. Tree 0: node 0 tests x0 <= 2.5 → node 1 (leaf: target 0 +10), else node 2 (leaf: target 0 +30,
 * target 1 +1). Tree 1: node 0 is a leaf (target 1 +4). Base values [100, 200].
 */
const legacyRegressor = (aggregate: string) => ({
  n_targets: 2,
  aggregate_function: aggregate,
  base_values: [100, 200],
  nodes_treeids: [0, 0, 0, 1],
  nodes_nodeids: [0, 1, 2, 0],
  nodes_featureids: [0, 0, 0, 0],
  nodes_modes: ['BRANCH_LEQ', 'LEAF', 'LEAF', 'LEAF'],
  nodes_values: [2.5, 0, 0, 0],
  nodes_truenodeids: [1, 0, 0, 0],
  nodes_falsenodeids: [2, 0, 0, 0],
  target_treeids: [0, 0, 0, 1],
  target_nodeids: [1, 2, 2, 0],
  target_ids: [0, 0, 1, 1],
  target_weights: [10, 30, 1, 4],
});

test('TreeEnsembleRegressor aggregates the legacy encoding and adds base values after', async () => {
  const sum = await runMl('TreeEnsembleRegressor', [f32([1, 3], [2, 1])], legacyRegressor('SUM'), { opset: 3 });
  assert.equal(scores(sum), { dims: [2, 2], type: 'float32', data: [110, 204, 130, 205] });
  const avg = await runMl('TreeEnsembleRegressor', [i32([1, 3], [2, 1])], legacyRegressor('AVERAGE'), { opset: 1 });
  assert.equal(scores(avg).data, [105, 202, 115, 202.5]);
  const asTensor = { ...legacyRegressor('SUM'), nodes_values: [], nodes_values_as_tensor: new Tensor('float64', Float64Array.from([2.5, 0, 0, 0]), [4]) };
  assert.equal(scores(await runMl('TreeEnsembleRegressor', [f32([2.5], [1, 1])], asTensor, { opset: 3 })).data, [110, 204]);
});

test('TreeEnsembleRegressor reports references to missing nodes', async () => {
  const broken = { ...legacyRegressor('SUM'), nodes_falsenodeids: [7, 0, 0, 0] };
  await rejects(() => runMl('TreeEnsembleRegressor', [f32([1], [1, 1])], broken, { opset: 3 }), /node 7 of tree 0, which does not exist/);
  await rejects(() => runMl('TreeEnsembleRegressor', [f32([1], [1, 1])], { ...legacyRegressor('MEDIAN') }, { opset: 3 }), /aggregate_function 'MEDIAN'/);
});

/* One tree: node 0 tests x0 <= 0 → leaf node 1, else leaf node 2. */
const classifierTree = {
  nodes_treeids: [0, 0, 0],
  nodes_nodeids: [0, 1, 2],
  nodes_featureids: [0, 0, 0],
  nodes_modes: ['BRANCH_LEQ', 'LEAF', 'LEAF'],
  nodes_values: [0, 0, 0],
  nodes_truenodeids: [1, 0, 0],
  nodes_falsenodeids: [2, 0, 0],
};

test('TreeEnsembleClassifier: one voted class makes a binary [1 - p, p] pair under LOGISTIC', async () => {
  const attrs = {
    ...classifierTree, classlabels_int64s: [0, 1], post_transform: 'LOGISTIC',
    class_treeids: [0, 0], class_nodeids: [1, 2], class_ids: [0, 0], class_weights: [-2, 3],
  };
  const [labels, z] = await runMl('TreeEnsembleClassifier', [f32([-1, 1], [2, 1])], attrs, { opset: 3, outputs: 2 });
  assert.equal(scores(labels).data, [0n, 1n]);
  close(scores(z).data, [logistic(2), logistic(-2), logistic(-3), logistic(3)]);
});

test('TreeEnsembleClassifier: several classes take the best summed score and string labels', async () => {
  const attrs = {
    ...classifierTree, classlabels_strings: ['a', 'b', 'c'], base_values: [0, 0.1, 0],
    class_treeids: [0, 0, 0], class_nodeids: [1, 1, 2], class_ids: [0, 1, 2], class_weights: [0.7, 0.3, 1],
  };
  const [labels, z] = await runMl('TreeEnsembleClassifier', [f32([-1, 1], [2, 1])], attrs, { opset: 1, outputs: 2 });
  assert.equal(scores(labels).data, ['a', 'c']);
  close(scores(z).data, [0.7, 0.4, 0, 0, 0.1, 1]);
});

test.run();
