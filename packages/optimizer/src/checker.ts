/**
 * The model checker every output of the optimizer, quantizer, pruner and converter passes: nodes in topological
 * order with every input defined, unique producers, opset imports for every domain used, IR version high enough for
 * the element types stored, and types consistent where shape inference knows them.
 */
import { subgraphsOf, type DType, type Graph, type Model, type Node, type TypeInfo } from '@onnx-ts/core';
import { FUSED_DOMAIN } from './passes/fusion.js';
import { inferFacts, typeFacts, type FactMap } from './shape-inference.js';

export interface CheckOptions {
  /** Accept com.onnx-ts ops (default false: a model for other runtimes must not use them). */
  allowCustom?: boolean;
}

export interface CheckResult {
  ok: boolean;
  errors: string[];
}

/** Ops whose listed inputs must share one element type (default domain). */
const SAME_TYPE_INPUTS: Record<string, number[] | 'all'> = {
  Add: 'all', Sub: 'all', Mul: 'all', Div: 'all', Sum: 'all', Max: 'all', Min: 'all', Mean: 'all', Concat: 'all',
  Equal: 'all', Less: 'all', Greater: 'all', And: 'all', Or: 'all', Where: [1, 2], MatMul: [0, 1], Gemm: [0, 1, 2],
  Conv: [0, 1, 2], LayerNormalization: [0, 1, 2], DequantizeLinear: [0, 2], QLinearMatMul: [0, 2], ConvInteger: [0, 2],
};

/** Lowest IR version able to store each element type. */
function irVersionFor(type: DType): number {
  if (type === 'int4' || type === 'uint4') return 10;
  if (type === 'float4e2m1' || type === 'int2' || type === 'uint2' || type === 'float8e8m0') return 11;
  if (type.startsWith('float8')) return 9;
  return 3;
}

function describe(node: Node): string {
  return `${node.opType} node '${node.name || node.outputs[0] || '?'}'`;
}

function elemType(t: TypeInfo | undefined): DType | undefined {
  return t?.kind === 'tensor' ? t.elemType : undefined;
}

export function checkModel(model: Model, options: CheckOptions = {}): CheckResult {
  const errors: string[] = [];
  const usedDomains = new Set<string>();
  let minIr = 3;

  const checkGraph = (graph: Graph, outer: ReadonlySet<string>, outerFacts: FactMap | undefined, where: string): void => {
    const defined = new Set<string>(outer);
    for (const v of graph.inputs) defined.add(v.name);
    for (const [name, t] of graph.initializers) {
      defined.add(name);
      minIr = Math.max(minIr, irVersionFor(t.type));
      const declared = graph.inputs.find((v) => v.name === name);
      if (declared && elemType(declared.type) && elemType(declared.type) !== t.type) {
        errors.push(`${where}: initializer '${name}' is ${t.type} but its input declares ${elemType(declared.type)}`);
      }
    }
    for (const name of graph.sparseInitializers.keys()) defined.add(name);
    const produced = new Set<string>();
    for (const node of graph.nodes) {
      usedDomains.add(node.domain);
      if (node.domain === FUSED_DOMAIN && !options.allowCustom) {
        errors.push(`${where}: ${describe(node)} is in the ${FUSED_DOMAIN} domain, which other runtimes cannot run`);
      }
      for (const input of node.inputs) {
        if (input && !defined.has(input)) errors.push(`${where}: ${describe(node)} reads '${input}' before anything defines it`);
      }
      for (const a of node.attributes) {
        if (a.type === 'tensor') minIr = Math.max(minIr, irVersionFor((a.value as { type: DType }).type));
      }
      for (const sub of subgraphsOf(node)) checkGraph(sub, defined, undefined, `${where} > ${describe(node)}`);
      for (const o of node.outputs) {
        if (!o) continue;
        if (produced.has(o) || graph.initializers.has(o) || graph.inputs.some((v) => v.name === o)) {
          errors.push(`${where}: value '${o}' is defined twice (again by ${describe(node)})`);
        }
        produced.add(o);
        defined.add(o);
      }
    }
    for (const o of graph.outputs) if (!defined.has(o.name)) errors.push(`${where}: output '${o.name}' is never produced`);
    checkTypes(graph, model, outerFacts, where, errors);
  };

  checkGraph(model.graph, new Set(), undefined, `graph '${model.graph.name}'`);
  for (const domain of usedDomains) {
    if (!model.opsetImports.has(domain)) errors.push(`model: nodes use domain '${domain}' but the model imports no opset for it`);
  }
  if (model.irVersion < minIr) errors.push(`model: IR version ${model.irVersion} cannot store the element types used (needs ${minIr})`);
  return { ok: errors.length === 0, errors };
}

function checkTypes(graph: Graph, model: Model, outerFacts: FactMap | undefined, where: string, errors: string[]): void {
  let facts: FactMap;
  try {
    facts = inferFacts(graph, model.opsetImports, outerFacts);
  } catch (e) {
    errors.push(`${where}: shape inference failed: ${(e as Error).message}`);
    return;
  }
  for (const node of graph.nodes) {
    const rule = node.domain === 'ai.onnx' ? SAME_TYPE_INPUTS[node.opType] : undefined;
    if (!rule) continue;
    const indices = rule === 'all' ? node.inputs.map((_, i) => i) : rule;
    const types = indices.filter((i) => node.inputs[i]).map((i) => [node.inputs[i], facts.get(node.inputs[i])?.type] as const).filter(([, t]) => t);
    const first = types[0];
    const other = types.find(([, t]) => t !== first?.[1]);
    if (first && other) errors.push(`${where}: ${describe(node)} mixes ${first[1]} ('${first[0]}') and ${other[1]} ('${other[0]}')`);
  }
  for (const v of [...graph.outputs, ...graph.valueInfo]) {
    const declared = typeFacts(v.type);
    const inferred = facts.get(v.name);
    if (declared.type && inferred?.type && declared.type !== inferred.type) {
      errors.push(`${where}: '${v.name}' is declared ${declared.type} but computed as ${inferred.type}`);
    }
    if (declared.shape && inferred?.shape && declared.shape.length === inferred.shape.length) {
      declared.shape.forEach((d, i) => {
        const got = inferred.shape![i];
        if (typeof d === 'number' && typeof got === 'number' && d !== got) {
          errors.push(`${where}: '${v.name}' is declared with dim ${i} = ${d} but computes ${got}`);
        }
      });
    }
  }
}

/** Throws an Error listing the problems when the model does not pass checkModel. */
export function assertValidModel(model: Model, options: CheckOptions = {}): void {
  const r = checkModel(model, options);
  if (!r.ok) throw new Error(`invalid model:\n  ${r.errors.slice(0, 20).join('\n  ')}${r.errors.length > 20 ? `\n  ... ${r.errors.length - 20} more` : ''}`);
}
