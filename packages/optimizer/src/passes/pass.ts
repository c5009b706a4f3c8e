/** What every graph pass sees, and the contract it keeps: outputs of the graph are preserved. */
import type { Graph, Model } from '@onnx-ts/core';
import { GraphIndex, NameScope } from '../graph.js';
import { inferFacts, type FactMap } from '../shape-inference.js';

export type OptimizationLevel = 'basic' | 'extended' | 'all';

export const LEVEL_RANK: Record<OptimizationLevel, number> = { basic: 0, extended: 1, all: 2 };

export interface PassOptions {
  /** Largest tensor constant folding may create, in bytes. */
  maxFoldBytes: number;
  /** Whether passes may write ops of the com.onnx-ts domain, and which of them the runtime can run. */
  customOp: (opType: string) => boolean;
}

export class PassContext {
  index: GraphIndex;
  facts: FactMap;

  constructor(
    readonly model: Model,
    readonly graph: Graph,
    readonly names: NameScope,
    readonly options: PassOptions,
    private readonly outerFacts?: FactMap,
  ) {
    this.index = new GraphIndex(graph);
    this.facts = inferFacts(graph, model.opsetImports, outerFacts);
  }

  /** The model's opset for a domain. */
  opset(domain = 'ai.onnx'): number {
    return this.model.opsetImports.get(domain) ?? 0;
  }

  /** Rebuilds the producer/consumer index after an edit. */
  reindex(): void {
    this.index = new GraphIndex(this.graph);
  }

  /** Rebuilds index and facts. */
  refresh(): void {
    this.reindex();
    this.facts = inferFacts(this.graph, this.model.opsetImports, this.outerFacts);
  }
}

export interface Pass {
  /** Kebab-case name, used in reports and to enable or disable the pass. */
  name: string;
  level: OptimizationLevel;
  /** Number of rewrites made; 0 means the graph is unchanged. */
  run(ctx: PassContext): number;
}
