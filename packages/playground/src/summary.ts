/** What a model holds, for the summary panel: counts over the main graph and every subgraph (If/Loop/Scan bodies). */
import { DEFAULT_DOMAIN, shapeSize, subgraphsOf, type Graph, type Model } from '@onnx-ts/core';

export interface ModelSummary {
  /** 'ai.onnx 13', 'ai.onnx.ml 3', ... */
  opsets: string[];
  producer: string;
  irVersion: number;
  nodeCount: number;
  /** Op type ('Conv', or 'domain.Op' outside the default domain) → how many nodes use it, most used first. */
  opHistogram: [string, number][];
  /** Elements of every initializer, dense or sparse (counted at their dense size). */
  parameterCount: number;
  parameterBytes: number;
  initializerCount: number;
}

function eachGraph(graph: Graph, visit: (g: Graph) => void): void {
  visit(graph);
  for (const node of graph.nodes) for (const sub of subgraphsOf(node)) eachGraph(sub, visit);
}

export function summarizeModel(model: Model): ModelSummary {
  const ops = new Map<string, number>();
  let nodeCount = 0;
  let parameterCount = 0;
  let parameterBytes = 0;
  let initializerCount = 0;
  eachGraph(model.graph, (g) => {
    for (const node of g.nodes) {
      const key = node.domain === DEFAULT_DOMAIN ? node.opType : `${node.domain}.${node.opType}`;
      ops.set(key, (ops.get(key) ?? 0) + 1);
      nodeCount++;
    }
    for (const t of g.initializers.values()) {
      parameterCount += t.size;
      parameterBytes += t.type === 'string' ? 0 : (t.data as ArrayLike<number> & { byteLength: number }).byteLength;
      initializerCount++;
    }
    for (const s of g.sparseInitializers.values()) {
      parameterCount += shapeSize(s.dims);
      initializerCount++;
    }
  });
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ') || 'unknown';
  return {
    opsets: [...model.opsetImports].map(([domain, version]) => `${domain} ${version}`),
    producer,
    irVersion: model.irVersion,
    nodeCount,
    opHistogram: [...ops].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    parameterCount,
    parameterBytes,
    initializerCount,
  };
}
