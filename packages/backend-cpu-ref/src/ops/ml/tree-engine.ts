/**
 * The one tree-ensemble evaluator behind TreeEnsemble (ai.onnx.ml 5), TreeEnsembleRegressor and
 * TreeEnsembleClassifier. Each op translates its attributes into a `Forest`: interior nodes with a comparison, and
 * leaves holding (target, weight) contributions.
 */
import type { FeatureRows } from './common.js';

/** Branch comparisons, numbered as TreeEnsemble's `nodes_modes`. */
export const BRANCH_MODES = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ', 'BRANCH_MEMBER'] as const;
const LEQ = 0, LT = 1, GTE = 2, GT = 3, EQ = 4, NEQ = 5, MEMBER = 6;

export const AGGREGATES = ['AVERAGE', 'SUM', 'MIN', 'MAX'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export interface Forest {
  /** Interior nodes, by index. */
  feature: Int32Array;
  mode: Uint8Array;
  threshold: Float64Array;
  /** The set of a BRANCH_MEMBER node. */
  members: (Set<number> | undefined)[];
  /** Whether a NaN feature takes the true branch. */
  missingTracksTrue: Uint8Array;
  /** Child references: `r >= 0` is interior node r, `r < 0` is leaf `~r`. */
  trueChild: Int32Array;
  falseChild: Int32Array;
  /** The reference of each tree's root. */
  roots: Int32Array;
  /** Leaf i adds `leafWeight[k]` to target `leafTarget[k]` for k in [leafStart[i], leafStart[i + 1]). */
  leafStart: Int32Array;
  leafTarget: Int32Array;
  leafWeight: Float64Array;
}

/** Reference to leaf `i`, as stored in `trueChild`/`falseChild`/`roots`. */
export function leafRef(i: number): number {
  return ~i;
}

/** Builds the CSR leaf arrays from one (leaf, target, weight) triple per contribution, keeping their order. */
export function leafContributions(
  leafCount: number,
  leafOf: ArrayLike<number>,
  target: ArrayLike<number>,
  weight: ArrayLike<number>,
): Pick<Forest, 'leafStart' | 'leafTarget' | 'leafWeight'> {
  const leafStart = new Int32Array(leafCount + 1);
  for (let k = 0; k < leafOf.length; k++) leafStart[leafOf[k] + 1]++;
  for (let i = 0; i < leafCount; i++) leafStart[i + 1] += leafStart[i];
  const fill = leafStart.slice(0, leafCount);
  const leafTarget = new Int32Array(leafOf.length);
  const leafWeight = new Float64Array(leafOf.length);
  for (let k = 0; k < leafOf.length; k++) {
    const at = fill[leafOf[k]]++;
    leafTarget[at] = target[k];
    leafWeight[at] = weight[k];
  }
  return { leafStart, leafTarget, leafWeight };
}

/** Parses a legacy mode name ('BRANCH_LEQ' …); undefined for 'LEAF'. */
export function branchModeCode(op: string, name: string): number | undefined {
  if (name === 'LEAF') return undefined;
  const code = (BRANCH_MODES as readonly string[]).indexOf(name);
  if (code < 0 || code === MEMBER) {
    throw new Error(`${op}: node mode '${name}' is not one of BRANCH_LEQ, BRANCH_LT, BRANCH_GTE, BRANCH_GT, BRANCH_EQ, BRANCH_NEQ, LEAF`);
  }
  return code;
}

/** Checks the references and targets once, so evaluation can index without checks. */
export function validateForest(op: string, forest: Forest, targets: number): void {
  if (!(Number.isInteger(targets) && targets >= 0)) throw new Error(`${op}: the number of targets/classes is ${targets}`);
  const nodes = forest.feature.length;
  const leaves = forest.leafStart.length - 1;
  const checkRef = (r: number, where: string) => {
    if (r >= nodes || ~r >= leaves) throw new Error(`${op}: ${where} refers to a ${r >= 0 ? 'node' : 'leaf'} that does not exist`);
  };
  for (let i = 0; i < nodes; i++) {
    checkRef(forest.trueChild[i], `the true branch of node ${i}`);
    checkRef(forest.falseChild[i], `the false branch of node ${i}`);
    if (forest.mode[i] > MEMBER) throw new Error(`${op}: node ${i} has mode ${forest.mode[i]}, expected 0-6`);
    if (forest.feature[i] < 0) throw new Error(`${op}: node ${i} has negative feature id ${forest.feature[i]}`);
  }
  forest.roots.forEach((r, t) => checkRef(r, `the root of tree ${t}`));
  for (let k = 0; k < forest.leafTarget.length; k++) {
    const t = forest.leafTarget[k];
    if (!(t >= 0 && t < targets)) throw new Error(`${op}: a leaf weight is for target/class ${t}, expected 0-${targets - 1}`);
  }
}

function takesTrueBranch(forest: Forest, node: number, x: number): boolean {
  if (Number.isNaN(x)) return forest.missingTracksTrue[node] === 1;
  const th = forest.threshold[node];
  switch (forest.mode[node]) {
    case LEQ: return x <= th;
    case LT: return x < th;
    case GTE: return x >= th;
    case GT: return x > th;
    case EQ: return x === th;
    case NEQ: return x !== th;
    default: return forest.members[node]!.has(x);
  }
}

/** Follows one tree from its root for one row; returns the leaf index. */
function findLeaf(op: string, forest: Forest, root: number, x: Float64Array, offset: number, cols: number): number {
  let ref = root;
  // A path longer than the node count can only come from a cycle in the node references.
  for (let steps = 0; ref >= 0; steps++) {
    if (steps > forest.feature.length) throw new Error(`${op}: the trees contain a cycle (node ${ref} is revisited)`);
    const t = forest.trueChild[ref];
    const f = forest.falseChild[ref];
    if (t === f) {
      ref = t;
      continue;
    }
    const feature = forest.feature[ref];
    if (feature >= cols) throw new Error(`${op}: node ${ref} tests feature ${feature} but X has ${cols} features`);
    ref = takesTrueBranch(forest, ref, x[offset + feature]) ? t : f;
  }
  return ~ref;
}

/**
 * Runs every row through every tree and aggregates the leaf weights per target: [rows, targets]. A target no leaf
 * reaches keeps the aggregate's starting value (0, or ∓`extreme` for MIN/MAX: the largest finite value of the
 * output type).
 */
export function evaluateForest(
  op: string,
  forest: Forest,
  x: FeatureRows,
  targets: number,
  aggregate: Aggregate,
  extreme: number,
): Float64Array {
  const out = new Float64Array(x.rows * targets);
  if (aggregate === 'MIN') out.fill(extreme);
  else if (aggregate === 'MAX') out.fill(-extreme);
  const scale = aggregate === 'AVERAGE' ? 1 / forest.roots.length : 1;
  for (let n = 0; n < x.rows; n++) {
    const base = n * targets;
    for (const root of forest.roots) {
      const leaf = findLeaf(op, forest, root, x.values, n * x.cols, x.cols);
      for (let k = forest.leafStart[leaf]; k < forest.leafStart[leaf + 1]; k++) {
        const at = base + forest.leafTarget[k];
        const w = forest.leafWeight[k];
        if (aggregate === 'MIN') out[at] = Math.min(out[at], w);
        else if (aggregate === 'MAX') out[at] = Math.max(out[at], w);
        else out[at] += w * scale;
      }
    }
  }
  return out;
}
