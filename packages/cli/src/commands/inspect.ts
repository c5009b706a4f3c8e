/** `onnx-ts inspect`: what a model holds — versions, inputs and outputs, ops, parameters, and node placement. */
import { InferenceSession, bitsPerElement, subgraphsOf, type Graph, type Model, type NodePlacement, type Tensor, type TypeInfo, type ValueInfo } from '@onnx-ts/core';
import { availableBackends, byPreference, requireBackends } from '../lib/backends.js';
import { formatBytes, formatDims, textTable } from '../lib/format.js';
import { loadModel } from '../lib/model.js';

export interface InspectOptions {
  backend?: string[];
  nodes?: boolean;
  json?: boolean;
}

export function describeType(t: TypeInfo | undefined): string {
  if (!t) return '(no type)';
  switch (t.kind) {
    case 'tensor': return `${t.elemType} ${formatDims(t.shape)}`;
    case 'sparse_tensor': return `sparse ${t.elemType} ${formatDims(t.shape)}`;
    case 'sequence': return `sequence<${describeType(t.elem)}>`;
    case 'map': return `map<${t.keyType}, ${describeType(t.value)}>`;
    case 'optional': return `optional<${describeType(t.elem)}>`;
  }
}

/** 'Op' for the default domain, 'domain.Op' otherwise. */
function opKey(domain: string, opType: string): string {
  return domain === 'ai.onnx' ? opType : `${domain}.${opType}`;
}

/** Node counts by op type, over the main graph and every subgraph. */
export function opHistogram(graph: Graph): Map<string, number> {
  const counts = new Map<string, number>();
  const visit = (g: Graph): void => {
    for (const node of g.nodes) {
      const key = opKey(node.domain, node.opType);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      subgraphsOf(node).forEach(visit);
    }
  };
  visit(graph);
  return new Map([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

interface ParameterSummary {
  /** Elements and bytes of initializers (sparse ones counted by their stored values). */
  initializers: { tensors: number; elements: number; bytes: number };
  /** Tensors held by Constant nodes (value attributes). */
  constants: { tensors: number; elements: number; bytes: number };
}

const tensorBytes = (t: Tensor): number => Math.ceil((t.size * bitsPerElement(t.type)) / 8);

function parameters(graph: Graph): ParameterSummary {
  const summary: ParameterSummary = { initializers: { tensors: 0, elements: 0, bytes: 0 }, constants: { tensors: 0, elements: 0, bytes: 0 } };
  const add = (into: ParameterSummary['initializers'], t: Tensor): void => {
    into.tensors++;
    into.elements += t.size;
    into.bytes += tensorBytes(t);
  };
  const visit = (g: Graph): void => {
    for (const t of g.initializers.values()) add(summary.initializers, t);
    for (const s of g.sparseInitializers.values()) add(summary.initializers, s.values);
    for (const node of g.nodes) {
      if (node.opType === 'Constant' && node.domain === 'ai.onnx') {
        for (const a of node.attributes) if (a.type === 'tensor') add(summary.constants, a.value as Tensor);
      }
      subgraphsOf(node).forEach(visit);
    }
  };
  visit(graph);
  return summary;
}

/** Initializers that are also listed as graph inputs are defaults, not inputs a caller must feed. */
function feedInputs(graph: Graph): ValueInfo[] {
  return graph.inputs.filter((v) => !graph.initializers.has(v.name) && !graph.sparseInitializers.has(v.name));
}

function countNodes(graph: Graph): number {
  return graph.nodes.reduce((n, node) => n + 1 + subgraphsOf(node).reduce((m, g) => m + countNodes(g), 0), 0);
}

interface InspectReport {
  irVersion: number;
  opsets: Record<string, number>;
  producer: { name?: string; version?: string };
  domain?: string;
  modelVersion?: number;
  graph: string;
  metadata: Record<string, string>;
  inputs: { name: string; type: string }[];
  outputs: { name: string; type: string }[];
  nodes: number;
  ops: Record<string, number>;
  parameters: ParameterSummary;
  placement?: { backends: string[]; nodes: NodePlacement[]; byBackend: Record<string, number> };
  placementError?: string;
}

async function placementOf(model: Model, backends: string[]): Promise<Pick<InspectReport, 'placement' | 'placementError'>> {
  try {
    const session = await InferenceSession.create(model, { executionProviders: backends, graphOptimizationLevel: 'disabled' });
    const byBackend: Record<string, number> = {};
    for (const p of session.placement) byBackend[p.backend] = (byBackend[p.backend] ?? 0) + 1;
    return { placement: { backends, nodes: [...session.placement], byBackend } };
  } catch (e) {
    return { placementError: (e as Error).message };
  }
}

export async function inspectModel(model: Model, backends: string[]): Promise<InspectReport> {
  const g = model.graph;
  return {
    irVersion: model.irVersion,
    opsets: Object.fromEntries(model.opsetImports),
    producer: { name: model.producerName, version: model.producerVersion },
    domain: model.domain,
    modelVersion: model.modelVersion,
    graph: g.name,
    metadata: Object.fromEntries(model.metadata),
    inputs: feedInputs(g).map((v) => ({ name: v.name, type: describeType(v.type) })),
    outputs: g.outputs.map((v) => ({ name: v.name, type: describeType(v.type) })),
    nodes: countNodes(g),
    ops: Object.fromEntries(opHistogram(g)),
    parameters: parameters(g),
    ...(await placementOf(model, backends)),
  };
}

function printReport(r: InspectReport, showNodes: boolean): void {
  const producer = [r.producer.name, r.producer.version].filter(Boolean).join(' ') || '(none)';
  console.log(`IR version ${r.irVersion}, opsets: ${Object.entries(r.opsets).map(([d, v]) => `${d} ${v}`).join(', ')}`);
  console.log(`producer: ${producer}${r.modelVersion ? `, model version ${r.modelVersion}` : ''}${r.domain ? `, domain ${r.domain}` : ''}`);
  console.log(`graph: ${r.graph || '(unnamed)'}, ${r.nodes} nodes`);
  for (const [k, v] of Object.entries(r.metadata)) console.log(`metadata ${k}: ${v}`);
  console.log('\ninputs:');
  for (const v of r.inputs) console.log(`  ${v.name}: ${v.type}`);
  console.log('outputs:');
  for (const v of r.outputs) console.log(`  ${v.name}: ${v.type}`);
  const { initializers: i, constants: c } = r.parameters;
  console.log(`\nparameters: ${i.elements.toLocaleString('en-US')} in ${i.tensors} initializers (${formatBytes(i.bytes)})` +
    (c.tensors ? `, ${c.elements.toLocaleString('en-US')} in ${c.tensors} Constant nodes (${formatBytes(c.bytes)})` : ''));

  const backendsOf = new Map<string, Map<string, number>>();
  for (const p of r.placement?.nodes ?? []) {
    const key = opKey(p.domain, p.opType);
    const m = backendsOf.get(key) ?? new Map<string, number>();
    m.set(p.backend, (m.get(p.backend) ?? 0) + 1);
    backendsOf.set(key, m);
  }
  const rows = Object.entries(r.ops).map(([op, n]) => {
    const placed = backendsOf.get(op);
    const backend = !placed ? '-' : placed.size === 1 ? [...placed.keys()][0] : [...placed].map(([b, k]) => `${b} ×${k}`).join(', ');
    return [op, String(n), backend];
  });
  console.log('');
  console.log(textTable(['op', 'nodes', 'backend'], rows, new Set([1])));
  if (r.placement) {
    const summary = Object.entries(r.placement.byBackend).map(([b, n]) => `${b} ${n}`).join(', ');
    console.log(`\nplacement with ${r.placement.backends.join(', ')} (nodes per backend): ${summary}`);
    if (showNodes) {
      const nodeRows = r.placement.nodes.map((p) => [`${'  '.repeat(p.depth)}${p.node || '(unnamed)'}`, opKey(p.domain, p.opType), p.backend]);
      console.log(textTable(['node', 'op', 'backend'], nodeRows));
    }
  } else {
    console.log(`\nplacement: none, the session cannot be created: ${r.placementError}`);
  }
}

export async function inspectCommand(modelPath: string, opts: InspectOptions): Promise<number> {
  const model = await loadModel(modelPath);
  const backends = opts.backend?.length ? await requireBackends(opts.backend) : byPreference(await availableBackends());
  const report = await inspectModel(model, backends);
  if (opts.json) console.log(JSON.stringify(report, null, 1));
  else printReport(report, !!opts.nodes);
  return 0;
}
