/**
 * The node encoding of TreeEnsembleRegressor and TreeEnsembleClassifier (ai.onnx.ml 1-3): nodes named by
 * (tree id, node id), 'LEAF' nodes carrying weights listed in parallel `*_treeids/_nodeids/_ids/_weights` attributes.
 */
import { attr, type AttrValues } from '@onnx-ts/core';
import { checkLengths, floatsOrTensor } from './common.js';
import { branchModeCode, leafContributions, leafRef, type Forest } from './tree-engine.js';

/** The node attributes both legacy tree ops declare (nodes_hitrates only guide optimization and are ignored). */
export const legacyNodeAttrs = {
  nodes_treeids: attr.ints.required(),
  nodes_nodeids: attr.ints.required(),
  nodes_featureids: attr.ints.required(),
  nodes_modes: attr.strings.required(),
  nodes_values: attr.floats(),
  nodes_values_as_tensor: attr.tensor(),
  nodes_truenodeids: attr.ints.required(),
  nodes_falsenodeids: attr.ints.required(),
  nodes_missing_value_tracks_true: attr.ints(),
  base_values: attr.floats(),
  base_values_as_tensor: attr.tensor(),
  post_transform: attr.string('NONE'),
};

type NodeAttrs = AttrValues<typeof legacyNodeAttrs>;

/** The leaf weights: which tree and node each is for, the target/class it adds to, and its value. */
export interface LegacyWeights {
  treeIds: number[];
  nodeIds: number[];
  targets: number[];
  weights: number[];
}

export function buildLegacyForest(op: string, a: NodeAttrs, w: LegacyWeights): Forest {
  const n = a.nodes_nodeids.length;
  const modes = a.nodes_modes.map((m) => branchModeCode(op, m));
  let values = floatsOrTensor(op, 'nodes_values', a.nodes_values, a.nodes_values_as_tensor) ?? [];
  if (values.length === 0) {
    if (modes.some((m) => m !== undefined)) throw new Error(`${op}: nodes_values (the branch thresholds) is missing`);
    values = new Array<number>(n).fill(0);
  }
  checkLengths(op, n, {
    nodes_treeids: a.nodes_treeids, nodes_featureids: a.nodes_featureids, nodes_modes: a.nodes_modes,
    nodes_values: values, nodes_truenodeids: a.nodes_truenodeids, nodes_falsenodeids: a.nodes_falsenodeids,
    nodes_missing_value_tracks_true: a.nodes_missing_value_tracks_true,
  });
  checkLengths(op, w.weights.length, { '*_treeids': w.treeIds, '*_nodeids': w.nodeIds, '*_ids': w.targets });

  // Number interior nodes and leaves separately, and find each (tree, node) pair.
  const ref = new Int32Array(n);
  const index = new Map<number, Map<number, number>>();
  const roots = new Map<number, number>();
  let interior = 0;
  let leaves = 0;
  for (let i = 0; i < n; i++) {
    ref[i] = modes[i] === undefined ? leafRef(leaves++) : interior++;
    const tree = a.nodes_treeids[i];
    let nodes = index.get(tree);
    if (!nodes) index.set(tree, (nodes = new Map()));
    if (nodes.has(a.nodes_nodeids[i])) throw new Error(`${op}: tree ${tree} has node id ${a.nodes_nodeids[i]} twice`);
    nodes.set(a.nodes_nodeids[i], i);
    // A tree's root is its first node in the list.
    if (!roots.has(tree)) roots.set(tree, ref[i]);
  }
  const lookup = (tree: number, node: number, what: string): number => {
    const i = index.get(tree)?.get(node);
    if (i === undefined) throw new Error(`${op}: ${what} refers to node ${node} of tree ${tree}, which does not exist`);
    return i;
  };

  const forest: Forest = {
    feature: new Int32Array(interior),
    mode: new Uint8Array(interior),
    threshold: new Float64Array(interior),
    members: new Array(interior).fill(undefined),
    missingTracksTrue: new Uint8Array(interior),
    trueChild: new Int32Array(interior),
    falseChild: new Int32Array(interior),
    roots: Int32Array.from(roots.values()),
    ...leafWeights(w, leaves, (k) => ref[lookup(w.treeIds[k], w.nodeIds[k], `weight ${k}`)]),
  };
  for (let i = 0; i < n; i++) {
    const node = ref[i];
    if (node < 0) continue;
    const tree = a.nodes_treeids[i];
    forest.feature[node] = a.nodes_featureids[i];
    forest.mode[node] = modes[i]!;
    forest.threshold[node] = values[i];
    forest.missingTracksTrue[node] = a.nodes_missing_value_tracks_true?.[i] ? 1 : 0;
    forest.trueChild[node] = ref[lookup(tree, a.nodes_truenodeids[i], `the true branch of node ${a.nodes_nodeids[i]}`)];
    forest.falseChild[node] = ref[lookup(tree, a.nodes_falsenodeids[i], `the false branch of node ${a.nodes_nodeids[i]}`)];
  }
  return forest;
}

/** Groups the weights by leaf; weights placed on branch nodes are never reached, so they are dropped. */
function leafWeights(w: LegacyWeights, leaves: number, refOf: (k: number) => number) {
  const leafOf: number[] = [];
  const targets: number[] = [];
  const weights: number[] = [];
  for (let k = 0; k < w.weights.length; k++) {
    const r = refOf(k);
    if (r >= 0) continue;
    leafOf.push(~r);
    targets.push(w.targets[k]);
    weights.push(w.weights[k]);
  }
  return leafContributions(leaves, leafOf, targets, weights);
}

/** Adds `base_values` (one per target/class, or none) to every row of the scores. */
export function addBaseValues(op: string, scores: Float64Array, base: number[] | undefined, cols: number): void {
  if (base === undefined || base.length === 0) return;
  if (base.length !== cols) throw new Error(`${op}: base_values has ${base.length} entries, expected ${cols}`);
  for (let i = 0; i < scores.length; i++) scores[i] += base[i % cols];
}
