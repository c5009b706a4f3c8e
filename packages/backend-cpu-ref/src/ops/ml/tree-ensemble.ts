import { attr, defineKernel, type AttrValues, type Tensor } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../util/elementwise.js';
import { ML_DOMAIN, checkLengths, featureRows, tensorInput } from './common.js';
import { applyPostTransform, parsePostTransform } from './post-transform.js';
import { AGGREGATES, evaluateForest, leafContributions, leafRef, validateForest, type Forest } from './tree-engine.js';

const OP = 'TreeEnsemble';

/** Largest finite value per output type: the starting point of MIN/MAX aggregation. */
const LARGEST: Record<string, number> = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE, float16: 65504 };

const attrs = {
  aggregate_function: attr.int(1),
  post_transform: attr.int(0),
  n_targets: attr.int.required(),
  tree_roots: attr.ints.required(),
  nodes_featureids: attr.ints.required(),
  nodes_splits: attr.tensor.required(),
  nodes_modes: attr.tensor.required(),
  nodes_truenodeids: attr.ints.required(),
  nodes_falsenodeids: attr.ints.required(),
  nodes_trueleafs: attr.ints.required(),
  nodes_falseleafs: attr.ints.required(),
  nodes_missing_value_tracks_true: attr.ints(),
  membership_values: attr.tensor(),
  leaf_targetids: attr.ints.required(),
  leaf_weights: attr.tensor.required(),
};

type Attrs = AttrValues<typeof attrs>;

/**
 * Reads the v5 encoding: `nodes_*` are interior nodes, `leaf_*` one (target, weight) leaf each; nodes_hitrates only
 * guide optimization and are ignored.
 */
function buildForest(a: Attrs, inputType: string): Forest {
  const n = a.nodes_featureids.length;
  checkLengths(OP, n, {
    nodes_modes: a.nodes_modes.data as Uint8Array, nodes_splits: a.nodes_splits.data as ArrayLike<number>,
    nodes_truenodeids: a.nodes_truenodeids, nodes_falsenodeids: a.nodes_falsenodeids,
    nodes_trueleafs: a.nodes_trueleafs, nodes_falseleafs: a.nodes_falseleafs,
    nodes_missing_value_tracks_true: a.nodes_missing_value_tracks_true,
  });
  checkLengths(OP, a.leaf_targetids.length, { leaf_weights: a.leaf_weights.data as ArrayLike<number> });
  for (const [name, t] of [['nodes_splits', a.nodes_splits], ['leaf_weights', a.leaf_weights]] as const) {
    if (t.type !== inputType) throw new Error(`${OP}: ${name} is ${t.type} but X is ${inputType}; they must match`);
  }
  const mode = Uint8Array.from(toNumbers(a.nodes_modes));
  const threshold = toNumbers(a.nodes_splits);
  const members = memberSets(mode, a.membership_values);
  const child = (ids: number[], leafs: number[]) => Int32Array.from(ids, (id, i) => (leafs[i] ? leafRef(id) : id));
  const leafCount = a.leaf_targetids.length;
  return {
    feature: Int32Array.from(a.nodes_featureids),
    mode,
    threshold,
    members,
    missingTracksTrue: Uint8Array.from(a.nodes_missing_value_tracks_true ?? new Array<number>(n).fill(0)),
    trueChild: child(a.nodes_truenodeids, a.nodes_trueleafs),
    falseChild: child(a.nodes_falsenodeids, a.nodes_falseleafs),
    roots: Int32Array.from(a.tree_roots),
    ...leafContributions(leafCount, Int32Array.from({ length: leafCount }, (_, i) => i), a.leaf_targetids, toNumbers(a.leaf_weights)),
  };
}

/** `membership_values` lists one NaN-terminated set per BRANCH_MEMBER node, in node order. */
function memberSets(mode: Uint8Array, values: Tensor | undefined): (Set<number> | undefined)[] {
  const list = values ? toNumbers(values) : new Float64Array(0);
  const sets: (Set<number> | undefined)[] = new Array(mode.length).fill(undefined);
  let at = 0;
  for (let i = 0; i < mode.length; i++) {
    if (mode[i] !== 6) continue;
    if (at >= list.length) throw new Error(`${OP}: membership_values has no set for BRANCH_MEMBER node ${i}`);
    const set = new Set<number>();
    for (; at < list.length && !Number.isNaN(list[at]); at++) set.add(list[at]);
    at++;
    sets[i] = set;
  }
  return sets;
}

export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 5,
    dtypes: ['float32', 'float64', 'float16'],
    attrs,
    run: ([input], a) => {
      const x = tensorInput(OP, input);
      const aggregate = AGGREGATES[a.aggregate_function];
      if (aggregate === undefined) throw new Error(`${OP}: aggregate_function ${a.aggregate_function} is not 0-3 (AVERAGE, SUM, MIN, MAX)`);
      const transform = parsePostTransform(OP, a.post_transform);
      const forest = buildForest(a, x.type);
      validateForest(OP, forest, a.n_targets);
      const rows = featureRows(OP, x);
      const scores = evaluateForest(OP, forest, rows, a.n_targets, aggregate, LARGEST[x.type]);
      applyPostTransform(transform, scores, rows.rows, a.n_targets);
      return [fromNumbers(x.type, scores, [rows.rows, a.n_targets])];
    },
  }),
];
