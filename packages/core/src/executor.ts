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
import { Tensor, type TensorLocation, type Value } from './tensor.js';

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

/** The kernel a step runs for some input types, with what calling it needs. */
interface Choice {
  backend: Backend;
  kernel: KernelSpec<any>;
  attrs: unknown;
}

interface Step {
  node: Node;
  opset: number;
  opsets: ReadonlyMap<string, number>;
  candidates: Candidate[];
  attrs: Map<KernelSpec<any>, unknown>;
  /** Local values whose last reader is this step. */
  frees: string[];
  /** The inputs whose element types the candidate kernels check: the only ones a kernel choice depends on. */
  typedInputs: number[];
  /** The last choice, and the types of `typedInputs` it was made for: runs usually see the same types again. */
  chosen?: Choice;
  chosenTypes: (DType | undefined)[];
  /** The context every call shares; absent for a node with subgraphs, whose runGraph needs the run's scope. */
  context?: KernelContext;
}

/** A lookup chain: a graph's own values, then those of the graphs around it. */
export class Scope {
  readonly values = new Map<string, Value>();
  constructor(readonly parent?: Scope) {}

  /** Bound values are never undefined, so one lookup per level tells whether a level has the name. */
  get(name: string): Value | undefined {
    let s: Scope | undefined = this;
    do {
      const v = s.values.get(name);
      if (v !== undefined) return v;
      s = s.parent;
    } while (s);
    return undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
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
  /** Initializers, sparse ones densified once: copied into each run's scope. */
  private readonly constants: Map<string, Value>;
  private readonly checkAllocation: KernelContext['checkAllocation'];

  /** `outerNames` tells whether a name is visible from enclosing graphs. */
  constructor(readonly graph: Graph, private readonly env: ExecutionEnv, outerNames: (name: string) => boolean, private readonly depth = 0) {
    const defined = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.initializers.keys(), ...graph.sparseInitializers.keys()]);
    const available = (name: string): boolean => defined.has(name) || outerNames(name);
    this.constants = new Map<string, Value>(graph.initializers);
    for (const [name, s] of graph.sparseInitializers) this.constants.set(name, densify(s));
    this.checkAllocation = (type, count) => checkAllocation(type, count, env.maxTensorBytes);
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
    const typedInputs = new Set<number>();
    for (const c of candidates) for (const k of c.kernels) if (k.dtypes) typedInputs.add(k.dtypeInput ?? 0);
    const step: Step = { node, opset, opsets, candidates, attrs: new Map(), frees: [], typedInputs: [...typedInputs], chosenTypes: [] };
    if (!subgraphsOf(node).length) {
      step.context = this.contextFor(step, () => {
        throw new Error(`${describeNode(node)}: runGraph called with a graph that is not one of its attributes`);
      });
    }
    // Read the first choice's attributes now so a malformed node fails at load, not at run.
    this.attributesFor(step, candidates[0].kernels[0]);
    return step;
  }

  private contextFor(step: Step, runGraph: KernelContext['runGraph']): KernelContext {
    const { node } = step;
    return {
      node: { name: node.name, opType: node.opType, domain: node.domain },
      opset: step.opset,
      opsets: step.opsets,
      outputCount: node.outputs.length,
      outputUsed: node.outputs.map((o) => o !== ''),
      graph: this.graph,
      runGraph,
      checkAllocation: this.checkAllocation,
    };
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
    for (const [name, t] of this.constants) scope.values.set(name, t);
    this.graph.inputs.forEach((info, i) => {
      if (i < inputs.length && inputs[i] !== undefined) scope.values.set(info.name, inputs[i]);
      // An optional input left out is an empty optional.
      else if (info.type?.kind === 'optional' && !this.graph.initializers.has(info.name)) scope.values.set(info.name, null);
    });
    for (const step of this.steps) {
      // Steps that run synchronously are not awaited: no microtask hop between them.
      const pending = this.runStep(step, scope, state);
      if (pending) await pending;
      for (const name of step.frees) {
        if (state.deviceRefs) releaseBinding(scope.values.get(name), state.deviceRefs);
        scope.values.delete(name);
      }
    }
    return this.graph.outputs.map((o) => {
      const v = scope.get(o.name);
      if (v === undefined) throw new Error(`graph '${this.graph.name}': output '${o.name}' was not produced`);
      // What a graph returns is the caller's to keep (a Loop may carry it, a session downloads it): stop counting it.
      if (isDeviceTensor(v)) state.deviceRefs?.delete(v);
      return v;
    });
  }

  /** Runs one node; returns a Promise only when an input must move to another memory or the kernel answers asynchronously. */
  private runStep(step: Step, scope: Scope, state: RunState): Promise<void> | undefined {
    const { node } = step;
    checkDeadline(state, node);
    const inputs: (Value | undefined)[] = [];
    for (const name of node.inputs) {
      const v = name === '' ? undefined : scope.get(name);
      if (v === undefined && name !== '') throw new Error(`${describeNode(node)}: input '${name}' has no value`);
      inputs.push(v);
    }
    const chosen = this.choose(step, inputs);
    const ctx = step.context ?? this.contextFor(step, (graph, values) => this.runSubgraph(node, chosen.backend, graph, values, scope, state));
    const startMs = this.env.onNode ? now() : 0;
    let moved: Pending<(Value | undefined)[]> = inputs;
    let outputs: Pending<Value[]>;
    try {
      if (!allAt(inputs, chosen.backend.location ?? 'cpu')) moved = moveInputs(inputs, chosen.backend, this.env.backends);
      if (isPending(moved)) return this.finishLater(step, chosen, ctx, inputs, moved, undefined, scope, state, startMs);
      setAllocationLimit(this.env.maxTensorBytes);
      outputs = chosen.kernel.run(moved, chosen.attrs as never, ctx);
    } catch (e) {
      if (!isPending(moved)) disposeCopies(moved, inputs, []);
      throw wrapNodeError(e, node);
    }
    if (isPending(outputs)) return this.finishLater(step, chosen, ctx, inputs, moved, outputs, scope, state, startMs);
    this.finish(step, chosen, inputs, moved, outputs, scope, state, startMs);
    return undefined;
  }

  /** The kernel for these inputs: the last choice when the checked types are the same, otherwise the first that accepts them. */
  private choose(step: Step, inputs: readonly (Value | undefined)[]): Choice {
    const { typedInputs, chosenTypes } = step;
    if (step.chosen) {
      let same = true;
      for (let k = 0; k < typedInputs.length && same; k++) same = elementType(inputs[typedInputs[k]]) === chosenTypes[k];
      if (same) return step.chosen;
    }
    const types = Array.from(inputs, elementType);
    for (const c of step.candidates) {
      const kernel = pickKernel(c.kernels, types);
      if (!kernel) continue;
      let attrs: unknown;
      try {
        attrs = this.attributesFor(step, kernel);
      } catch (e) {
        throw wrapNodeError(e, step.node);
      }
      step.chosen = { backend: c.backend, kernel, attrs };
      step.chosenTypes = typedInputs.map((i) => types[i]);
      return step.chosen;
    }
    throw new Error(`${describeNode(step.node)}: no kernel accepts input types (${types.map((t) => t ?? '-').join(', ')})`);
  }

  private runSubgraph(node: Node, backend: Backend, graph: Graph, values: readonly Value[], scope: Scope, state: RunState): Promise<Value[]> {
    const plan = this.subplans.get(graph);
    if (!plan) throw new Error(`${describeNode(node)}: runGraph called with a graph that is not one of its attributes`);
    // Subgraph results come back in the memory of the backend running this node.
    return plan.run(values, scope, state).then((out) => Promise.all(out.map((v) => moveValue(v, backend, this.env.backends) as Promise<Value>)));
  }

  /** The rest of a step once an input move or the kernel answered with a Promise (`calling` undefined: not called yet). */
  private async finishLater(
    step: Step, chosen: Choice, ctx: KernelContext, inputs: readonly (Value | undefined)[], moving: Pending<(Value | undefined)[]>,
    calling: Promise<Value[]> | undefined, scope: Scope, state: RunState, startMs: number,
  ): Promise<void> {
    let moved: (Value | undefined)[] = [];
    let outputs: Value[];
    try {
      moved = await moving;
      if (!calling) setAllocationLimit(this.env.maxTensorBytes);
      outputs = await (calling ?? chosen.kernel.run(moved, chosen.attrs as never, ctx));
    } catch (e) {
      disposeCopies(moved, inputs, []);
      throw wrapNodeError(e, step.node);
    }
    this.finish(step, chosen, inputs, moved, outputs, scope, state, startMs);
  }

  /** Frees the copies made for the call (except those handed back), binds the outputs, reports the node. */
  private finish(
    step: Step, chosen: Choice, inputs: readonly (Value | undefined)[], moved: readonly (Value | undefined)[], outputs: Value[],
    scope: Scope, state: RunState, startMs: number,
  ): void {
    if (moved !== inputs) disposeCopies(moved, inputs, outputs);
    this.bind(step, chosen, moved, outputs, scope, state, startMs);
  }

  /** Binds a kernel's outputs to the node's output names and reports the node. */
  private bind(step: Step, chosen: Choice, kernelInputs: readonly (Value | undefined)[], outputs: Value[], scope: Scope, state: RunState, startMs: number): void {
    const { node } = step;
    const names = node.outputs;
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (!name) continue;
      const v = outputs[i];
      if (v === undefined) throw new Error(`${describeNode(node)}: kernel of '${chosen.backend.name}' did not produce output ${i} ('${name}')`);
      if (v instanceof Tensor) checkTensorLimit(v, node, this.env.maxTensorBytes);
      if (state.deviceRefs) holdBinding(v, kernelInputs, state.deviceRefs);
      scope.values.set(name, v);
    }
    this.env.onNode?.({ node, backend: chosen.backend.name, startMs: startMs - state.started, durationMs: now() - startMs, outputs, depth: this.depth });
  }
}

function elementType(v: Value | undefined): DType | undefined {
  return v instanceof Tensor ? v.type : undefined;
}

/** Whether every tensor of these values (inside sequences too) is already in `location`'s memory. */
function allAt(values: readonly (Value | undefined)[], location: TensorLocation): boolean {
  for (const v of values) {
    if (v instanceof Tensor ? v.location !== location : Array.isArray(v) && !allAt(v, location)) return false;
  }
  return true;
}

/** Counts a new binding of a kernel output; a device tensor the kernel made itself starts being counted. */
function holdBinding(v: Value, kernelInputs: readonly (Value | undefined)[], refs: Map<Tensor, number>): void {
  if (!isDeviceTensor(v)) return;
  const count = refs.get(v);
  if (count !== undefined) refs.set(v, count + 1);
  // A tensor passed through from an input belongs to whoever made it.
  else if (!kernelInputs.includes(v)) refs.set(v, 1);
}

/** Drops one binding of a dead value, disposing a counted device tensor when no binding is left. */
function releaseBinding(v: Value | undefined, refs: Map<Tensor, number>): void {
  if (!isDeviceTensor(v)) return;
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

/** `where` is a graph's description or a node; the clock is read only when the run has a limit. */
function checkDeadline(state: RunState, where: string | Node): void {
  if (state.deadline === Infinity || now() <= state.deadline) return;
  throw new Error(`run exceeded its time limit of ${state.timeoutMs} ms (at ${typeof where === 'string' ? where : describeNode(where)})`);
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

type Pending<T> = T | Promise<T>;

function isPending<T>(v: Pending<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/**
 * Moves a value's tensor to the memory of `target` (the CPU when undefined), downloading through the backend that
 * owns its current location. Other values pass through.
 */
export async function moveValue(v: Value | undefined, target: Backend | undefined, backends: readonly Backend[]): Promise<Value | undefined> {
  return moveNow(v, target, backends);
}

/** moveValue, answering without a Promise when the backends involved move synchronously. */
function moveNow(v: Value | undefined, target: Backend | undefined, backends: readonly Backend[]): Pending<Value | undefined> {
  if (Array.isArray(v)) {
    const items = v.map((item) => moveNow(item, target, backends));
    // A sequence already in place stays the same object.
    const gather = (moved: (Value | undefined)[]): Value => (moved.every((item, i) => item === v[i]) ? v : (moved as Value[]));
    return items.some(isPending) ? Promise.all(items).then(gather) : gather(items as (Value | undefined)[]);
  }
  if (!(v instanceof Tensor)) return v;
  const location = target?.location ?? 'cpu';
  if (v.location === location) return v;
  if (v.location === 'cpu') return uploadTo(v, target);
  const from = v.location;
  const owner = backends.find((b) => (b.location ?? 'cpu') === from);
  if (!owner?.download) throw new Error(`no backend can download a tensor from '${from}'`);
  const t = owner.download(v);
  return isPending(t) ? t.then((cpu) => uploadTo(cpu, target)) : uploadTo(t, target);
}

/** A CPU tensor in the memory of `target` (unchanged when that is the CPU). */
function uploadTo(t: Tensor, target: Backend | undefined): Pending<Tensor> {
  if (!target || (target.location ?? 'cpu') === 'cpu') return t;
  if (!target.upload) throw new Error(`backend '${target.name}' cannot receive tensors`);
  return target.upload(t);
}

/** The inputs in the memory of `target`: a Promise only when some backend moves asynchronously. */
function moveInputs(inputs: readonly (Value | undefined)[], target: Backend, backends: readonly Backend[]): Pending<(Value | undefined)[]> {
  const moved = inputs.map((v) => moveNow(v, target, backends));
  return moved.some(isPending) ? Promise.all(moved) : (moved as (Value | undefined)[]);
}
