/** The contract between core and backends: kernels, backends, and the registry that places nodes. */
import type { AttrSchema, AttrValues } from './attributes.js';
import type { DType } from './dtype.js';
import type { Graph } from './ir.js';
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

export interface Backend {
  /** 'cpu-ref', 'cpu', 'gpu', 'arm'. */
  name: string;
  aliases?: readonly string[];
  /** Higher runs first when the session does not order backends itself. */
  priority: number;
  isAvailable(): boolean | Promise<boolean>;
  /**
   * Called when a session that may use this backend is created, with that session's options (threads, limits);
   * must be cheap to call again.
   */
  init?(options: BackendSessionOptions): Promise<void> | void;
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

/** Index of a backend's kernels by domain and op, built once per backend. */
const kernelIndex = new WeakMap<Backend, Map<string, KernelSpec<any>[]>>();

function indexFor(backend: Backend): Map<string, KernelSpec<any>[]> {
  let index = kernelIndex.get(backend);
  if (!index) {
    index = new Map();
    for (const k of backend.kernels) {
      const key = `${normalizeDomain(k.domain)}::${k.op}`;
      const list = index.get(key) ?? [];
      list.push(k);
      index.set(key, list);
    }
    kernelIndex.set(backend, index);
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
