/** The contract between core and backends: kernels, backends, and the registry that places nodes. */
import type { AttrSchema, AttrValues } from './attributes.js';
import type { DType } from './dtype.js';
import type { Graph, Model, Node } from './ir.js';
import { normalizeDomain } from './ir.js';
import type { Tensor, TensorLocation, Value } from './tensor.js';

export interface KernelContext {
  node: { name: string; opType: string; domain: string };
  /** The model's opset version for the node's domain. */
  opset: number;
  /** Every domain's opset version in force for this node (the model's, or a function body's). */
  opsets: ReadonlyMap<string, number>;
  /** How many outputs the node declares; `outputUsed[i]` is false for an omitted ('') output. */
  outputCount: number;
  outputUsed: readonly boolean[];
  /** The graph this node belongs to (read-only), for ops defined over their graph such as Gradient. */
  graph: Graph;
  /** Runs a subgraph (a graph attribute of this node) with this node's scope visible to it. */
  runGraph(graph: Graph, inputs: readonly Value[]): Promise<Value[]>;
  /** Throws a clear Error when a tensor of `count` elements of `type` would exceed the session's limits. */
  checkAllocation(type: DType, count: number): void;
}

/** Inputs as the kernel receives them: `undefined` for an omitted optional input, `null` for an empty optional. */
export type KernelInputs = readonly (Value | undefined)[];

export interface KernelSpec<S extends AttrSchema = AttrSchema> {
  op: string;
  /** Defaults to the ONNX default domain. */
  domain?: string;
  /** Opset range of the domain this kernel implements, inclusive; `until` open when omitted. */
  since: number;
  until?: number;
  /** Element types this kernel accepts for input `dtypeInput` (default 0); omitted means any. */
  dtypes?: readonly DType[];
  dtypeInput?: number;
  attrs?: S;
  run(inputs: KernelInputs, attrs: AttrValues<S>, ctx: KernelContext): Value[] | Promise<Value[]>;
}

/** Declares a kernel; the identity function that gives `run` typed attributes. */
export function defineKernel<S extends AttrSchema = Record<string, never>>(spec: KernelSpec<S>): KernelSpec<S> {
  return spec;
}

/** The session options a backend may read at init. */
export interface BackendSessionOptions {
  intraOpNumThreads?: number;
  maxTensorBytes?: number;
  logSeverityLevel?: number;
}

/**
 * What a backend holds for one session (weights it uploaded, packed or cached data), returned by its init. Several
 * sessions may share a backend: releasing one session's resources must leave the others working.
 */
export interface BackendSession {
  /** Moves a CPU tensor to the backend's memory on behalf of this session; replaces Backend.upload for it. */
  upload?(tensor: Tensor): Tensor | Promise<Tensor>;
  /** Frees what the backend holds for this session; called once, by InferenceSession.release(). */
  release(): void | Promise<void>;
}

export interface Backend {
  /** 'cpu-ref', 'cpu', 'gpu', 'arm'. */
  name: string;
  aliases?: readonly string[];
  /** Higher runs first when the session does not order backends itself. */
  priority: number;
  isAvailable(): boolean | Promise<boolean>;
  /** Why isAvailable() said no (no adapter, no WebAssembly...), for the session's messages. */
  unavailableReason?(): string | undefined;
  /** What the backend runs on once available (a GPU adapter...), for reports and benchmark labels. */
  describe?(): string | undefined;
  /**
   * Called when a session that may use this backend is created, with that session's options (threads, limits);
   * must be cheap to call again. What it returns is released with the session.
   */
  init?(options: BackendSessionOptions): Promise<BackendSession | void> | BackendSession | void;
  kernels: readonly KernelSpec<any>[];
  /** Where this backend's tensors live; 'cpu' when omitted. */
  location?: TensorLocation;
  /** Moves a CPU tensor to this backend's memory. */
  upload?(tensor: Tensor): Tensor | Promise<Tensor>;
  /** Moves a tensor of this backend back to the CPU. */
  download?(tensor: Tensor): Tensor | Promise<Tensor>;
  /** Frees a tensor this backend holds. */
  dispose?(tensor: Tensor): void;
}

const backends = new Map<string, Backend>();

/** Registers a backend under its name and aliases; registering the same backend again does nothing. */
export function registerBackend(backend: Backend): void {
  const existing = backends.get(backend.name);
  if (existing === backend) return;
  if (existing) throw new Error(`a different backend is already registered as '${backend.name}'`);
  backends.set(backend.name, backend);
  for (const alias of backend.aliases ?? []) backends.set(alias, backend);
}

export function getBackend(name: string): Backend | undefined {
  return backends.get(name);
}

/** Registered backends, each once, by descending priority. */
export function listBackends(): Backend[] {
  return [...new Set(backends.values())].sort((a, b) => b.priority - a.priority);
}

/** Index of a backend's kernels by domain and op, built once per kernel list (a session's view of a backend shares it). */
const kernelIndex = new WeakMap<readonly KernelSpec<any>[], Map<string, KernelSpec<any>[]>>();

function indexFor(backend: Backend): Map<string, KernelSpec<any>[]> {
  let index = kernelIndex.get(backend.kernels);
  if (!index) {
    index = new Map();
    for (const k of backend.kernels) {
      const key = `${normalizeDomain(k.domain)}::${k.op}`;
      const list = index.get(key) ?? [];
      list.push(k);
      index.set(key, list);
    }
    kernelIndex.set(backend.kernels, index);
  }
  return index;
}

/** Whether a backend has any kernel for this op at this opset, whatever the types. */
export function kernelsFor(backend: Backend, domain: string, op: string, opset: number): KernelSpec<any>[] {
  const list = indexFor(backend).get(`${normalizeDomain(domain)}::${op}`) ?? [];
  return list.filter((k) => k.since <= opset && (k.until === undefined || opset <= k.until));
}

/** The kernel of `candidates` that accepts these input types (unknown types are accepted). */
export function pickKernel(candidates: readonly KernelSpec<any>[], inputTypes: readonly (DType | undefined)[]): KernelSpec<any> | undefined {
  return candidates.find((k) => {
    if (!k.dtypes) return true;
    const t = inputTypes[k.dtypeInput ?? 0];
    return t === undefined || k.dtypes.includes(t);
  });
}

const modelConstants = new WeakSet<Tensor>();

/**
 * Records the tensors a model holds (initializers and Constant values, subgraphs and functions included). They do not
 * change while a session uses the model, so a backend may keep its own copy of one (uploaded weights, packed
 * layouts) across runs; a tensor fed to run() is never one of them.
 */
export function markModelConstants(model: Model): void {
  const visit = (nodes: readonly Node[], initializers?: ReadonlyMap<string, Tensor>): void => {
    for (const t of initializers?.values() ?? []) modelConstants.add(t);
    for (const node of nodes) {
      for (const a of node.attributes) {
        if (a.type === 'tensor' && node.opType === 'Constant') modelConstants.add(a.value as Tensor);
        else if (a.type === 'graph') visit((a.value as Graph).nodes, (a.value as Graph).initializers);
        else if (a.type === 'graphs') for (const g of a.value as Graph[]) visit(g.nodes, g.initializers);
      }
    }
  };
  visit(model.graph.nodes, model.graph.initializers);
  for (const f of model.functions) visit(f.nodes);
}

/** Whether a tensor belongs to a model a session was created for (see markModelConstants). */
export function isModelConstant(tensor: Tensor): boolean {
  return modelConstants.has(tensor);
}
