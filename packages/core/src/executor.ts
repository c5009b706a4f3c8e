/**
 * Execution: a plan per graph (topological order, node placement, value lifetimes), run against a scope chain so
 * subgraphs see the values of the graphs that enclose them.
 */
import { readAttributes } from './attributes.js';
import { controlFlowKernels } from './control-flow.js';
import { bitsPerElement, setAllocationLimit, type DType } from './dtype.js';
import { nodeReads, topologicalOrder } from './graph-analysis.js';
import type { Attribute, FunctionDef, Graph, Node } from './ir.js';
import { describeNode, subgraphsOf } from './ir.js';
import { kernelsFor, pickKernel, type Backend, type KernelContext, type KernelSpec } from './kernel.js';
import { densify } from './proto/tensor-proto.js';
import { Tensor, type Value } from './tensor.js';

/** Pseudo-backend for the kernels core runs itself (If, Loop, Scan). */
export const CORE_BACKEND: Backend = { name: 'core', priority: Infinity, isAvailable: () => true, kernels: controlFlowKernels };

export interface NodeEvent {
  node: Node;
  backend: string;
  /** Milliseconds since the run started. */
  startMs: number;
  durationMs: number;
  outputs: readonly Value[];
  /** 0 for the main graph, 1 inside its subgraphs, ... */
  depth: number;
}

/** Per-run bookkeeping shared by a graph and its subgraphs. */
export interface RunState {
  /** performance.now() when the run started. */
  started: number;
  /** performance.now() after which the run stops with an Error (Infinity: no limit). */
  deadline: number;
  timeoutMs?: number;
  /**
   * Device tensors made by kernels in this run, with how many scope bindings hold each. When the count drops to 0
   * the tensor is disposed, so backend memory is reused as soon as a value is dead. Absent: nothing is disposed.
   */
  deviceRefs?: Map<Tensor, number>;
}

/** A tensor whose memory a backend holds and frees on dispose. */
function isDeviceTensor(v: Value | undefined): v is Tensor {
  return v instanceof Tensor && v.location !== 'cpu';
}

export interface ExecutionEnv {
  /** Backends in the session's order of preference (core first, cpu-ref last). */
  backends: readonly Backend[];
  opsets: ReadonlyMap<string, number>;
  functions: ReadonlyMap<string, FunctionDef>;
  maxTensorBytes: number;
  onNode?: (event: NodeEvent) => void;
}

interface Candidate {
  backend: Backend;
  kernels: KernelSpec<any>[];
}

interface Step {
  node: Node;
  opset: number;
  opsets: ReadonlyMap<string, number>;
  candidates: Candidate[];
  attrs: Map<KernelSpec<any>, unknown>;
  /** Local values whose last reader is this step. */
  frees: string[];
}

/** A lookup chain: a graph's own values, then those of the graphs around it. */
export class Scope {
  readonly values = new Map<string, Value>();
  constructor(readonly parent?: Scope) {}

  get(name: string): Value | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      if (s.values.has(name)) return s.values.get(name);
    }
    return undefined;
  }

  has(name: string): boolean {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.values.has(name)) return true;
    return false;
  }
}

export function functionKey(domain: string, name: string): string {
  return `${domain}::${name}`;
}

let expansionCounter = 0;

/** Inlines a model-local function call: internal values get a unique prefix, attributes are substituted. */
function expandFunction(node: Node, f: FunctionDef): { nodes: Node[]; opsets: ReadonlyMap<string, number> } {
  const prefix = `${node.name || node.opType}__fn${expansionCounter++}__`;
  const rename = new Map<string, string>();
  f.inputs.forEach((name, i) => rename.set(name, node.inputs[i] ?? ''));
  f.outputs.forEach((name, i) => rename.set(name, node.outputs[i] ?? ''));
  const mapName = (n: string): string => (n === '' ? '' : rename.get(n) ?? prefix + n);
  const callerAttrs = new Map(node.attributes.map((a) => [a.name, a]));
  for (const d of f.attributeDefaults) if (!callerAttrs.has(d.name)) callerAttrs.set(d.name, d);
  const substitute = (attributes: Attribute[]): Attribute[] => attributes.flatMap((a) => {
    if (!a.refAttrName) return [a];
    const from = callerAttrs.get(a.refAttrName);
    return from ? [{ ...from, name: a.name }] : [];
  });
  const nodes = f.nodes.map((n) => ({
    ...n,
    name: prefix + (n.name || n.opType),
    inputs: n.inputs.map(mapName),
    outputs: n.outputs.map(mapName),
    attributes: substitute(n.attributes),
  }));
  return { nodes, opsets: f.opsetImports };
}

export class GraphPlan {
  private readonly steps: Step[] = [];
  private readonly subplans = new Map<Graph, GraphPlan>();
  /** Sparse initializers, densified once. */
  private readonly sparseValues: Map<string, Tensor>;

  /** `outerNames` tells whether a name is visible from enclosing graphs. */
  constructor(readonly graph: Graph, private readonly env: ExecutionEnv, outerNames: (name: string) => boolean, private readonly depth = 0) {
    const defined = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.initializers.keys(), ...graph.sparseInitializers.keys()]);
    const available = (name: string): boolean => defined.has(name) || outerNames(name);
    this.sparseValues = new Map([...graph.sparseInitializers].map(([name, s]) => [name, densify(s)]));
    const expanded = this.expandFunctions(graph.nodes, env.opsets);
    const working: Graph = { ...graph, nodes: expanded.map((e) => e.node) };
    const order = topologicalOrder(working, available);
    const opsetOf = new Map(expanded.map((e) => [e.node, e.opsets]));
    for (const node of working.nodes) for (const o of node.outputs) if (o) defined.add(o);
    for (const node of order) {
      this.steps.push(this.placeNode(node, opsetOf.get(node) ?? env.opsets));
      for (const g of subgraphsOf(node)) this.subplans.set(g, new GraphPlan(g, env, available, depth + 1));
    }
    this.planLifetimes();
  }

  private expandFunctions(nodes: readonly Node[], opsets: ReadonlyMap<string, number>, depth = 0): { node: Node; opsets: ReadonlyMap<string, number> }[] {
    const out: { node: Node; opsets: ReadonlyMap<string, number> }[] = [];
    for (const node of nodes) {
      const f = this.env.functions.get(functionKey(node.domain, node.opType));
      const opset = opsets.get(node.domain);
      const hasKernel = opset !== undefined && this.env.backends.some((b) => kernelsFor(b, node.domain, node.opType, opset).length > 0);
      if (f && !hasKernel) {
        if (depth > 32) throw new Error(`function '${f.name}' expands recursively`);
        const { nodes: body, opsets: inner } = expandFunction(node, f);
        out.push(...this.expandFunctions(body, new Map([...opsets, ...inner]), depth + 1));
      } else {
        out.push({ node, opsets });
      }
    }
    return out;
  }

  private placeNode(node: Node, opsets: ReadonlyMap<string, number>): Step {
    const opset = opsets.get(node.domain);
    if (opset === undefined) {
      throw new Error(`${describeNode(node)} uses domain '${node.domain}', which the model does not import (opset_import)`);
    }
    const candidates: Candidate[] = [];
    for (const backend of this.env.backends) {
      const kernels = kernelsFor(backend, node.domain, node.opType, opset);
      if (kernels.length) candidates.push({ backend, kernels });
    }
    if (!candidates.length) {
      const names = this.env.backends.filter((b) => b !== CORE_BACKEND).map((b) => b.name).join(', ');
      throw new Error(`${describeNode(node)}: no backend (${names}) implements ${node.domain === 'ai.onnx' ? '' : node.domain + '.'}${node.opType} at opset ${opset}`);
    }
    const step: Step = { node, opset, opsets, candidates, attrs: new Map(), frees: [] };
    // Read the first choice's attributes now so a malformed node fails at load, not at run.
    this.attributesFor(step, candidates[0].kernels[0]);
    return step;
  }

  private attributesFor(step: Step, kernel: KernelSpec<any>): unknown {
    let a = step.attrs.get(kernel);
    if (a === undefined) {
      a = readAttributes(step.node, kernel.attrs ?? {});
      step.attrs.set(kernel, a);
    }
    return a;
  }

  private planLifetimes(): void {
    const keep = new Set(this.graph.outputs.map((o) => o.name));
    const lastUse = new Map<string, number>();
    this.steps.forEach((s, i) => {
      for (const name of nodeReads(s.node)) lastUse.set(name, i);
      for (const o of s.node.outputs) if (o && !lastUse.has(o)) lastUse.set(o, i);
    });
    for (const [name, i] of lastUse) if (!keep.has(name)) this.steps[i].frees.push(name);
  }

  /** This graph's steps in run order (functions inlined): the node, the opsets it runs under, the values dead after it. */
  schedule(): { node: Node; opsets: ReadonlyMap<string, number>; frees: readonly string[] }[] {
    return this.steps.map(({ node, opsets, frees }) => ({ node, opsets, frees }));
  }

  /** The backend each node would run on, main graph and subgraphs. */
  placements(): { node: Node; backend: string; depth: number }[] {
    const out: { node: Node; backend: string; depth: number }[] = [];
    for (const s of this.steps) {
      out.push({ node: s.node, backend: s.candidates[0].backend.name, depth: this.depth });
      for (const g of subgraphsOf(s.node)) out.push(...(this.subplans.get(g)?.placements() ?? []));
    }
    return out;
  }

  /** Runs the graph; `inputs` bind graph inputs by position; returns graph outputs by position. */
  async run(inputs: readonly Value[], outer: Scope | undefined, state: RunState): Promise<Value[]> {
    checkDeadline(state, `graph '${this.graph.name}'`);
    const scope = new Scope(outer);
    for (const [name, t] of this.graph.initializers) scope.values.set(name, t);
    for (const [name, t] of this.sparseValues) scope.values.set(name, t);
    this.graph.inputs.forEach((info, i) => {
      if (i < inputs.length && inputs[i] !== undefined) scope.values.set(info.name, inputs[i]);
      // An optional input left out is an empty optional.
      else if (info.type?.kind === 'optional' && !this.graph.initializers.has(info.name)) scope.values.set(info.name, null);
    });
    for (const step of this.steps) {
      await this.runStep(step, scope, state);
      for (const name of step.frees) {
        releaseBinding(scope.values.get(name), state);
        scope.values.delete(name);
      }
    }
    return this.graph.outputs.map((o) => {
      if (!scope.has(o.name)) throw new Error(`graph '${this.graph.name}': output '${o.name}' was not produced`);
      const v = scope.get(o.name) as Value;
      // What a graph returns is the caller's to keep (a Loop may carry it, a session downloads it): stop counting it.
      if (isDeviceTensor(v)) state.deviceRefs?.delete(v);
      return v;
    });
  }

  private async runStep(step: Step, scope: Scope, state: RunState): Promise<void> {
    const { node } = step;
    checkDeadline(state, describeNode(node));
    const inputs = node.inputs.map((name) => {
      if (name === '') return undefined;
      if (!scope.has(name)) throw new Error(`${describeNode(node)}: input '${name}' has no value`);
      return scope.get(name);
    });
    const types = inputs.map((v) => (v instanceof Tensor ? v.type : undefined));
    let chosen: { backend: Backend; kernel: KernelSpec<any> } | undefined;
    for (const c of step.candidates) {
      const kernel = pickKernel(c.kernels, types);
      if (kernel) {
        chosen = { backend: c.backend, kernel };
        break;
      }
    }
    if (!chosen) {
      throw new Error(`${describeNode(node)}: no kernel accepts input types (${types.map((t) => t ?? '-').join(', ')})`);
    }
    const { backend, kernel } = chosen;
    const ctx: KernelContext = {
      node: { name: node.name, opType: node.opType, domain: node.domain },
      opset: step.opset,
      opsets: step.opsets,
      outputCount: node.outputs.length,
      outputUsed: node.outputs.map((o) => o !== ''),
      graph: this.graph,
      runGraph: (graph, values) => {
        const plan = this.subplans.get(graph);
        if (!plan) throw new Error(`${describeNode(node)}: runGraph called with a graph that is not one of its attributes`);
        // Subgraph results come back in the memory of the backend running this node.
        return plan.run(values, scope, state).then((out) => Promise.all(out.map((v) => moveValue(v, chosen!.backend, this.env.backends) as Promise<Value>)));
      },
      checkAllocation: (type, count) => checkAllocation(type, count, this.env.maxTensorBytes),
    };
    const t0 = now();
    let outputs: Value[];
    let moved: (Value | undefined)[] = [];
    try {
      moved = await moveInputs(inputs, backend, this.env.backends);
      setAllocationLimit(this.env.maxTensorBytes);
      outputs = await kernel.run(moved, this.attributesFor(step, kernel) as never, ctx);
    } catch (e) {
      disposeCopies(moved, inputs, []);
      throw wrapNodeError(e, node);
    }
    disposeCopies(moved, inputs, outputs);
    node.outputs.forEach((name, i) => {
      if (!name) return;
      const v = outputs[i];
      if (v === undefined) throw new Error(`${describeNode(node)}: kernel of '${backend.name}' did not produce output ${i} ('${name}')`);
      if (v instanceof Tensor) checkTensorLimit(v, node, this.env.maxTensorBytes);
      holdBinding(v, moved, state);
      scope.values.set(name, v);
    });
    this.env.onNode?.({ node, backend: backend.name, startMs: t0 - state.started, durationMs: now() - t0, outputs, depth: this.depth });
  }
}

/** Counts a new binding of a kernel output; a device tensor the kernel made itself starts being counted. */
function holdBinding(v: Value, kernelInputs: readonly (Value | undefined)[], state: RunState): void {
  const refs = state.deviceRefs;
  if (!refs || !isDeviceTensor(v)) return;
  const count = refs.get(v);
  if (count !== undefined) refs.set(v, count + 1);
  // A tensor passed through from an input belongs to whoever made it.
  else if (!kernelInputs.includes(v)) refs.set(v, 1);
}

/** Drops one binding of a dead value, disposing a counted device tensor when no binding is left. */
function releaseBinding(v: Value | undefined, state: RunState): void {
  const refs = state.deviceRefs;
  if (!refs || !isDeviceTensor(v)) return;
  const count = refs.get(v);
  if (count === undefined) return;
  if (count > 1) {
    refs.set(v, count - 1);
  } else {
    refs.delete(v);
    v.dispose();
  }
}

/** Frees the copies moveInputs made for one kernel call, except those the kernel handed back as outputs. */
function disposeCopies(moved: readonly (Value | undefined)[], original: readonly (Value | undefined)[], outputs: readonly Value[]): void {
  moved.forEach((v, i) => {
    if (isDeviceTensor(v) && v !== original[i] && !outputs.includes(v) && !original.includes(v)) v.dispose();
  });
}

function checkDeadline(state: RunState, where: string): void {
  if (now() > state.deadline) throw new Error(`run exceeded its time limit of ${state.timeoutMs} ms (at ${where})`);
}

export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function wrapNodeError(e: unknown, node: Node): Error {
  const prefix = describeNode(node);
  if (e instanceof Error) {
    if (e.message.startsWith(prefix)) return e;
    return new Error(`${prefix}: ${e.message}`, { cause: e });
  }
  return new Error(`${prefix}: ${String(e)}`);
}

export function checkAllocation(type: DType, count: number, maxBytes: number): void {
  const bytes = Math.ceil((count * Math.max(bitsPerElement(type), 8)) / 8);
  if (!Number.isFinite(count) || count < 0) throw new Error(`invalid element count ${count}`);
  if (bytes > maxBytes) {
    throw new Error(`a ${type} tensor of ${count} elements (${bytes} bytes) exceeds the session limit maxTensorBytes=${maxBytes}`);
  }
}

function checkTensorLimit(t: Tensor, node: Node, maxBytes: number): void {
  try {
    checkAllocation(t.type, t.size, maxBytes);
  } catch (e) {
    throw new Error(`${describeNode(node)}: ${(e as Error).message}`);
  }
}

/**
 * Moves a value's tensor to the memory of `target` (the CPU when undefined), downloading through the backend that
 * owns its current location. Other values pass through.
 */
export async function moveValue(v: Value | undefined, target: Backend | undefined, backends: readonly Backend[]): Promise<Value | undefined> {
  if (Array.isArray(v)) {
    const moved = await Promise.all(v.map((item) => moveValue(item, target, backends)));
    // A sequence already in place stays the same object.
    return moved.every((item, i) => item === v[i]) ? v : (moved as Value[]);
  }
  if (!(v instanceof Tensor)) return v;
  const location = target?.location ?? 'cpu';
  if (v.location === location) return v;
  let t = v;
  if (t.location !== 'cpu') {
    const owner = backends.find((b) => (b.location ?? 'cpu') === t.location);
    if (!owner?.download) throw new Error(`no backend can download a tensor from '${t.location}'`);
    t = await owner.download(t);
  }
  if (target && location !== 'cpu') {
    if (!target.upload) throw new Error(`backend '${target.name}' cannot receive tensors`);
    t = await target.upload(t);
  }
  return t;
}

function moveInputs(inputs: readonly (Value | undefined)[], target: Backend, backends: readonly Backend[]): Promise<(Value | undefined)[]> {
  return Promise.all(inputs.map((v) => moveValue(v, target, backends)));
}
