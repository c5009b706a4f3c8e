/** The optimizer's driver: runs the passes of a level over the graph and its subgraphs until nothing changes. */
import type { Graph, Model, Node } from '@onnx-ts/core';
import { cloneGraph, cloneModel, NameScope, normalizeInitializerInputs, sortTopologically } from './graph.js';
import { constantFolding, shapeFolding } from './passes/constant-folding.js';
import { commonSubexpressionElimination, deadCodeElimination, noopElimination, transposeCancellation } from './passes/cleanup.js';
import { batchNormAffineFolding, convAffineFolding, convBatchNormFolding } from './passes/conv-folding.js';
import { activationFusion, matmulAddToGemm } from './passes/fusion.js';
import { LEVEL_RANK, PassContext, type OptimizationLevel, type Pass, type PassOptions } from './passes/pass.js';
import { attentionFusion, geluFusion, layerNormFusion, rmsNormFusion } from './passes/patterns.js';
import { inferFacts, type FactMap } from './shape-inference.js';

/** Every pass, in the order one round runs them. */
export const PASSES: readonly Pass[] = [
  constantFolding,
  shapeFolding,
  noopElimination,
  transposeCancellation,
  commonSubexpressionElimination,
  convBatchNormFolding,
  convAffineFolding,
  batchNormAffineFolding,
  matmulAddToGemm,
  geluFusion,
  layerNormFusion,
  rmsNormFusion,
  attentionFusion,
  activationFusion,
  deadCodeElimination,
];

export interface OptimizeOptions {
  /** 'basic': folding and clean-up; 'extended' (default): plus fusions; 'all': the same passes as 'extended' today. */
  level?: OptimizationLevel;
  /** Allow rewrites into the com.onnx-ts domain (fused Conv/Gemm/MatMul + activation); default false. */
  allowCustom?: boolean;
  /** With allowCustom: which com.onnx-ts ops the target runtime can run (default: all of them). */
  customOpAvailable?: (opType: string) => boolean;
  /** Largest tensor constant folding may create, in bytes (default 64 MiB). */
  maxFoldBytes?: number;
  /** Names of passes to skip. */
  disable?: readonly string[];
  /** Most rounds over the passes (default 10). */
  maxRounds?: number;
}

export interface OptimizeReport {
  nodesBefore: number;
  nodesAfter: number;
  initializersBefore: number;
  initializersAfter: number;
  /** Rewrites per pass, over the graph and its subgraphs. */
  rewrites: Record<string, number>;
  rounds: number;
}

export const DEFAULT_MAX_FOLD_BYTES = 64 * 1024 * 1024;

/** Nodes of a graph and all its subgraphs. */
export function countNodes(graph: Graph): number {
  let n = 0;
  for (const node of graph.nodes) {
    n++;
    for (const a of node.attributes) {
      if (a.type === 'graph') n += countNodes(a.value as Graph);
      if (a.type === 'graphs') for (const g of a.value as Graph[]) n += countNodes(g);
    }
  }
  return n;
}

function passesFor(options: OptimizeOptions): Pass[] {
  const level = options.level ?? 'extended';
  if (!(level in LEVEL_RANK)) throw new Error(`optimize: unknown level '${level}' (expected basic, extended or all)`);
  const known = new Set(PASSES.map((p) => p.name));
  for (const name of options.disable ?? []) {
    if (!known.has(name)) throw new Error(`optimize: unknown pass '${name}' (passes: ${[...known].join(', ')})`);
  }
  return PASSES.filter((p) => LEVEL_RANK[p.level] <= LEVEL_RANK[level] && !options.disable?.includes(p.name));
}

/** Optimizes a copy of the model; the original is not modified. Returns the new model and what was done. */
export function optimizeModel(model: Model, options: OptimizeOptions = {}): { model: Model; report: OptimizeReport } {
  const passes = passesFor(options);
  const out = cloneModel(model);
  normalizeInitializerInputs(out);
  const passOptions: PassOptions = {
    maxFoldBytes: options.maxFoldBytes ?? DEFAULT_MAX_FOLD_BYTES,
    customOp: options.allowCustom ? options.customOpAvailable ?? (() => true) : () => false,
  };
  const report: OptimizeReport = {
    nodesBefore: countNodes(model.graph),
    nodesAfter: 0,
    initializersBefore: model.graph.initializers.size,
    initializersAfter: 0,
    rewrites: {},
    rounds: 0,
  };
  const names = new NameScope(out);
  try {
    out.graph = optimizeGraph(out, out.graph, passes, passOptions, names, report, options.maxRounds ?? 10, undefined, () => false);
  } catch (e) {
    throw new Error(`optimize: ${(e as Error).message}`, { cause: e });
  }
  report.nodesAfter = countNodes(out.graph);
  report.initializersAfter = out.graph.initializers.size;
  return { model: out, report };
}

/** Optimizes a copy of the model with the passes of `options.level` (default 'extended'). */
export function optimize(model: Model, options: OptimizeOptions = {}): Model {
  return optimizeModel(model, options).model;
}

function optimizeGraph(
  model: Model, graph: Graph, passes: Pass[], options: PassOptions, names: NameScope, report: OptimizeReport,
  maxRounds: number, outerFacts: FactMap | undefined, outerNames: (name: string) => boolean,
): Graph {
  sortTopologically(graph, outerNames);
  const ctx = new PassContext(model, graph, names, options, outerFacts);
  for (let round = 0; round < maxRounds; round++) {
    let changed = 0;
    for (const pass of passes) {
      const n = pass.run(ctx);
      if (!n) continue;
      changed += n;
      report.rewrites[pass.name] = (report.rewrites[pass.name] ?? 0) + n;
      sortTopologically(graph, outerNames);
      ctx.refresh();
    }
    report.rounds = Math.max(report.rounds, round + 1);
    if (!changed) break;
  }
  optimizeSubgraphs(model, graph, passes, options, names, report, maxRounds, outerFacts, outerNames);
  return graph;
}

/** Each subgraph (If/Loop/Scan bodies) is optimized as a copy, seeing the facts and names of the graphs around it. */
function optimizeSubgraphs(
  model: Model, graph: Graph, passes: Pass[], options: PassOptions, names: NameScope, report: OptimizeReport,
  maxRounds: number, outerFacts: FactMap | undefined, outerNames: (name: string) => boolean,
): void {
  if (!graph.nodes.some((n) => n.attributes.some((a) => a.type === 'graph' || a.type === 'graphs'))) return;
  const facts = inferFacts(graph, model.opsetImports, outerFacts);
  const local = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.initializers.keys(), ...graph.nodes.flatMap((n) => n.outputs)]);
  const visible = (name: string): boolean => local.has(name) || outerNames(name);
  const rewrite = (g: Graph): Graph => optimizeGraph(model, cloneGraph(g), passes, options, names, report, maxRounds, facts, visible);
  graph.nodes = graph.nodes.map((node): Node => {
    if (!node.attributes.some((a) => a.type === 'graph' || a.type === 'graphs')) return node;
    return {
      ...node,
      attributes: node.attributes.map((a) => {
        if (a.type === 'graph') return { ...a, value: rewrite(a.value as Graph) };
        if (a.type === 'graphs') return { ...a, value: (a.value as Graph[]).map(rewrite) };
        return a;
      }),
    };
  });
}
