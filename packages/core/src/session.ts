/** InferenceSession: the onnxruntime-style entry point. */
import type { DType } from './dtype.js';
import { CORE_BACKEND, GraphPlan, functionKey, moveValue, now, type ExecutionEnv, type NodeEvent, type RunState } from './executor.js';
import { loadSource, type ModelSource } from './files.js';
import type { Dim, Model, Node, TypeInfo, ValueInfo } from './ir.js';
import { getBackend, listBackends, markModelConstants, type Backend, type BackendSession } from './kernel.js';
import { checkSymbolicSizes, planMemory, type MemoryPlan, type SymbolicTensor } from './memory-plan.js';
import { describeConflict, inferFacts, type FactConflict, type ValueFacts } from './shape-inference.js';
import { Tensor, describeValue, type Value } from './tensor.js';

export type ExecutionProvider = string | { name: string };

export interface SessionOptions {
  /** Backends by preference; nodes none of them can run fall back to 'cpu-ref'. Default: every registered one. */
  executionProviders?: readonly ExecutionProvider[];
  /** Graph rewrites before execution ('disabled' skips the optimizer even when one is registered). */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** 0 verbose, 1 info, 2 warning (default), 3 error, 4 fatal. */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /** Collects per-node timings, read with endProfiling(). */
  enableProfiling?: boolean;
  /** Keeps every intermediate value of the last run, in CPU memory, read with lastIntermediates(). */
  captureIntermediates?: boolean;
  /** Largest tensor a kernel may produce, in bytes (default 2 GiB). */
  maxTensorBytes?: number;
  /** Threads for backends that use them. */
  intraOpNumThreads?: number;
  /** Default time limit of one run(); checked between nodes, so one very long kernel can still overrun it. */
  runTimeoutMs?: number;
  /** Lets the session run rewrites into the com.onnx-ts domain (fused kernels). */
  allowCustomOps?: boolean;
}

export interface RunOptions {
  /** Stop the run with an Error once it has taken this long (checked between nodes). */
  timeoutMs?: number;
}

export interface ValueMetadata {
  name: string;
  isTensor: boolean;
  /** Element type for tensors. */
  type?: DType;
  /** Dims: numbers, symbolic names, or null where unknown. */
  shape?: Dim[];
  /** The full declared type. */
  typeInfo?: TypeInfo;
}

export interface ValueType {
  type?: DType;
  /** Dims: numbers, symbolic names, or null where unknown; undefined when the rank is unknown. */
  shape?: Dim[];
}

export interface NodePlacement {
  node: string;
  opType: string;
  domain: string;
  backend: string;
  /** 0 for the main graph, deeper for subgraphs of If/Loop/Scan. */
  depth: number;
}

export interface ProfileEvent {
  node: string;
  opType: string;
  backend: string;
  startMs: number;
  durationMs: number;
  depth: number;
}

/** A graph rewrite the optimizer package registers; the session applies it before planning. */
export type ModelOptimizer = (model: Model, level: 'basic' | 'extended' | 'all', options: SessionOptions) => Model;
let registeredOptimizer: ModelOptimizer | undefined;

export function registerOptimizer(optimizer: ModelOptimizer): void {
  registeredOptimizer = optimizer;
}

const DEFAULT_MAX_TENSOR_BYTES = 2 ** 31;

/** Metadata from the declared type, completed by inference where the model declares no type, or no dims. */
function metadataOf(v: ValueInfo, inferred?: ValueFacts): ValueMetadata {
  const t = v.type ?? (inferred && typeInfoOf(inferred));
  if (t?.kind !== 'tensor') return { name: v.name, isTensor: t === undefined, typeInfo: t };
  const declared = t.shape;
  const shape = declared && inferred?.shape?.length === declared.length ? declared.map((d, i) => d ?? inferred.shape![i]) : declared ?? inferred?.shape;
  return { name: v.name, isTensor: true, type: t.elemType, shape, typeInfo: t };
}

/** The type an inferred fact describes: a tensor when its element type is known, a sequence of what its elements are. */
function typeInfoOf(f: ValueFacts): TypeInfo | undefined {
  if (f.sequenceOf) return { kind: 'sequence', elem: typeInfoOf(f.sequenceOf) };
  return f.type ? { kind: 'tensor', elemType: f.type, shape: f.shape } : undefined;
}

/** Throws at session creation when inference proves a node's output contradicts the model's declared type. */
function rejectConflicts(conflicts: readonly FactConflict[]): void {
  if (!conflicts.length) return;
  const lines = conflicts.slice(0, 10).map(describeConflict);
  const more = conflicts.length > 10 ? `\n  ... ${conflicts.length - 10} more` : '';
  throw new Error(`model declares types its nodes cannot produce:\n  ${lines.join('\n  ')}${more}`);
}

/** An execution provider a session was asked for (or would have tried) but could not use here, and why. */
export interface UnavailableProvider {
  name: string;
  reason: string;
}

/** What resolveBackends set up for one session, keyed by the backend list it returned. */
interface SessionBackends {
  /** Per-session resources of the backends, released with the session. */
  held: BackendSession[];
  unavailable: UnavailableProvider[];
}
const sessionBackends = new WeakMap<readonly Backend[], SessionBackends>();

/** Undefined when the backend can run here, otherwise why not. */
async function unavailability(b: Backend): Promise<string | undefined> {
  try {
    if (await b.isAvailable()) return undefined;
    return b.unavailableReason?.() ?? 'the backend reports it cannot run here';
  } catch (e) {
    return `checking it failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function unknownProvider(name: string): Error {
  const known = listBackends().flatMap((b) => [b.name, ...(b.aliases ?? [])]).join(', ') || 'none';
  return new Error(
    `execution provider '${name}' is not registered (registered: ${known}); a backend registers when its package is ` +
      `imported: import '@onnx-ts/backend-cpu-ref', '@onnx-ts/backend-cpu', '@onnx-ts/backend-gpu' or '@onnx-ts/backend-arm'`,
  );
}

/** The backend as one session uses it: its uploads go through the session's resources (cached weights). */
function sessionView(backend: Backend, held: BackendSession): Backend {
  if (!held.upload) return backend;
  return Object.create(backend, { upload: { value: (t: Tensor) => held.upload!(t) } }) as Backend;
}

/** Releases what the backends hold for the session that `backends` (from resolveBackends) belongs to; once. */
async function releaseSessionBackends(backends: readonly Backend[]): Promise<void> {
  const resources = sessionBackends.get(backends);
  if (resources) await releaseAll(resources.held.splice(0));
}

/** Releases every resource, then throws the first failure. */
async function releaseAll(held: readonly BackendSession[]): Promise<void> {
  const results = await Promise.allSettled(held.map((h) => h.release()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The session's backends: the named providers that are available here (or every registered one by priority),
 * then cpu-ref for what they cannot run. A name nobody registered is an Error; a named backend that cannot run here
 * is skipped (logged at verbose level, listed in unavailableProviders) unless no named one can, which is an Error.
 */
async function resolveBackends(options: SessionOptions): Promise<Backend[]> {
  const names = options.executionProviders?.map((p) => (typeof p === 'string' ? p : p.name));
  const candidates = names ? names.map((name) => getBackend(name) ?? unknownProvider(name)) : listBackends();
  const unknown = candidates.find((b): b is Error => b instanceof Error);
  if (unknown) throw unknown;
  const chosen: Backend[] = [];
  const unavailable: UnavailableProvider[] = [];
  for (const b of new Set(candidates as Backend[])) {
    const reason = await unavailability(b);
    if (reason === undefined) chosen.push(b);
    else unavailable.push({ name: b.name, reason });
  }
  if (names?.length && !chosen.length) {
    const why = unavailable.map((u) => `'${u.name}': ${u.reason}`).join('; ');
    throw new Error(`none of the execution providers [${names.join(', ')}] is available (${why})`);
  }
  if (options.logSeverityLevel === 0) {
    for (const u of unavailable) console.warn(`[onnx-ts] execution provider '${u.name}' skipped: ${u.reason}`);
  }
  const ref = getBackend('cpu-ref');
  if (ref && !chosen.includes(ref)) chosen.push(ref);
  if (!chosen.length) throw new Error("no backend is available: import '@onnx-ts/backend-cpu-ref' (or another backend) first");
  const held: BackendSession[] = [];
  const used: Backend[] = [];
  try {
    for (const b of chosen) {
      const resources = await b.init?.(options);
      if (resources) held.push(resources);
      used.push(resources ? sessionView(b, resources) : b);
    }
  } catch (e) {
    await releaseAll(held).catch(() => undefined);
    throw e;
  }
  const backends = [CORE_BACKEND, ...used];
  sessionBackends.set(backends, { held, unavailable });
  return backends;
}

export class InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  /** Element type and dims (numbers, input symbols, null where unknown) of every main-graph value inference knows. */
  readonly valueTypes: ReadonlyMap<string, ValueType>;
  /** Peak bytes of the statically sized intermediates, and the values whose size only a run decides. */
  readonly memoryPlan: MemoryPlan;
  /** Which backend runs each node (first choice; a node falls back per run when its inputs' types need it). */
  readonly placement: readonly NodePlacement[];
  readonly model: Model;
  private readonly plan: GraphPlan;
  private readonly env: ExecutionEnv;
  private readonly inputInfo: Map<string, ValueInfo>;
  /** Outputs sized by the symbols of the inputs' dims, checked against maxTensorBytes once the feeds bind them. */
  private readonly symbolicTensors: readonly SymbolicTensor[];
  private released = false;
  private profile: ProfileEvent[] | undefined;
  private intermediates: Map<string, Value> | undefined;
  private readonly options: SessionOptions;

  private constructor(model: Model, backends: Backend[], options: SessionOptions) {
    this.model = model;
    this.options = options;
    const graph = model.graph;
    const initializerNames = new Set([...graph.initializers.keys(), ...graph.sparseInitializers.keys()]);
    const realInputs = graph.inputs.filter((v) => !initializerNames.has(v.name));
    this.inputNames = realInputs.map((v) => v.name);
    this.outputNames = graph.outputs.map((v) => v.name);
    this.inputMetadata = realInputs.map((v) => metadataOf(v));
    this.inputInfo = new Map(graph.inputs.map((v) => [v.name, v]));
    this.profile = options.enableProfiling ? [] : undefined;
    this.env = {
      backends,
      opsets: model.opsetImports,
      functions: new Map(model.functions.map((f) => [functionKey(f.domain, f.name), f])),
      maxTensorBytes: options.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES,
      // Without a listener the executor reads no clock and makes no event per node.
      onNode: options.enableProfiling || options.captureIntermediates ? (e) => this.observe(e) : undefined,
    };
    this.plan = new GraphPlan(graph, this.env, () => false);
    markModelConstants(model);
    const schedule = this.plan.schedule();
    const stepOpsets = new Map(schedule.map((s) => [s.node, s.opsets]));
    const conflicts: FactConflict[] = [];
    const facts = inferFacts(graph, model.opsetImports, {
      order: schedule.map((s) => s.node), opsetsOf: (n) => stepOpsets.get(n), defaultsAsConstants: true, conflicts,
    });
    rejectConflicts(conflicts);
    this.valueTypes = new Map([...facts].map(([name, f]) => [name, { type: f.type, shape: f.shape }]));
    this.outputMetadata = graph.outputs.map((v) => metadataOf(v, facts.get(v.name)));
    const memory = planMemory(schedule, facts, this.env.maxTensorBytes);
    this.memoryPlan = memory.plan;
    this.symbolicTensors = memory.symbolic;
    this.placement = this.plan.placements().map(({ node, backend, depth }) => placementOf(node, backend, depth));
    if (options.logSeverityLevel === 0) {
      for (const p of this.placement) console.debug(`[onnx-ts] ${p.opType} '${p.node}' → ${p.backend}`);
    }
  }

  /** Loads a model from a path (Node) or URL (browser), bytes, or an already decoded IR model. */
  static async create(source: ModelSource | Model, options: SessionOptions = {}): Promise<InferenceSession> {
    let model = isModel(source) ? source : await loadSource(source);
    const backends = await resolveBackends(options);
    try {
      const level = options.graphOptimizationLevel ?? 'extended';
      if (registeredOptimizer && level !== 'disabled') model = registeredOptimizer(model, level, options);
      return new InferenceSession(model, backends, options);
    } catch (e) {
      // A model refused after the backends set up per-session resources must not leave them behind.
      await releaseSessionBackends(backends);
      throw e;
    }
  }

  /**
   * Runs the model. `fetches` limits which outputs are returned (default: all); `run(feeds, options)` and
   * `run(feeds, fetches, options)` both work, as in onnxruntime.
   */
  async run(feeds: Record<string, Value>, fetchesOrOptions?: readonly string[] | RunOptions, maybeOptions?: RunOptions): Promise<Record<string, Value>> {
    const fetches = Array.isArray(fetchesOrOptions) ? fetchesOrOptions : undefined;
    const runOptions = (Array.isArray(fetchesOrOptions) ? maybeOptions : fetchesOrOptions as RunOptions | undefined) ?? {};
    if (this.released) throw new Error('session has been released');
    if (feeds === null || typeof feeds !== 'object') throw new Error(`run(): feeds must be an object of input name → value, got ${feeds}`);
    const wanted = fetches ?? this.outputNames;
    for (const name of wanted) {
      if (!this.outputNames.includes(name)) throw new Error(`run(): '${name}' is not an output of this model (outputs: ${this.outputNames.join(', ')})`);
    }
    this.validateFeeds(feeds);
    const graph = this.model.graph;
    const inputs = graph.inputs.map((v) => feeds[v.name]);
    if (this.options.captureIntermediates) this.intermediates = new Map(Object.entries(feeds));
    const started = now();
    const timeoutMs = runOptions.timeoutMs ?? this.options.runTimeoutMs;
    const state: RunState = {
      started, deadline: timeoutMs === undefined ? Infinity : started + timeoutMs, timeoutMs,
      // Captured intermediates are downloaded after the run, so nothing is disposed during it.
      deviceRefs: this.intermediates ? undefined : new Map(),
    };
    try {
      const outputs = await this.plan.run(inputs, undefined, state);
      const result: Record<string, Value> = {};
      for (const [i, o] of graph.outputs.entries()) {
        // Outputs always reach the caller in CPU memory.
        if (wanted.includes(o.name)) result[o.name] = (await moveValue(outputs[i], undefined, this.env.backends)) as Value;
      }
      if (state.deviceRefs) this.disposeDeviceOutputs(outputs, inputs);
      return result;
    } finally {
      // Also after a failed run: what was captured up to the failure is what a debugging user wants to read.
      if (this.intermediates) await this.downloadIntermediates(inputs);
    }
  }

  /** Replaces captured device tensors by CPU copies and frees the device ones (each once: values may alias). */
  private async downloadIntermediates(feeds: readonly (Value | undefined)[]): Promise<void> {
    const copies = new Map<Tensor, Value>();
    for (const [name, v] of this.intermediates!) {
      if (!(v instanceof Tensor) || v.location === 'cpu') continue;
      if (!copies.has(v)) copies.set(v, (await moveValue(v, undefined, this.env.backends)) as Value);
      this.intermediates!.set(name, copies.get(v)!);
    }
    for (const v of copies.keys()) if (!feeds.includes(v)) v.dispose();
  }

  /** Device tensors the graph returned are dead once their CPU copies exist (feeds are the caller's). */
  private disposeDeviceOutputs(outputs: readonly Value[], feeds: readonly (Value | undefined)[]): void {
    for (const v of new Set(outputs)) {
      if (v instanceof Tensor && v.location !== 'cpu' && !feeds.includes(v)) v.dispose();
    }
  }

  private validateFeeds(feeds: Record<string, Value>): void {
    for (const name of Object.keys(feeds)) {
      if (!this.inputInfo.has(name)) throw new Error(`run(): unknown input '${name}' (inputs: ${this.inputNames.join(', ')})`);
    }
    const symbols = new Map<string, number>();
    for (const name of this.inputNames) {
      if (!(name in feeds)) {
        const info = this.inputInfo.get(name);
        if (info?.type?.kind === 'optional') continue;
        throw new Error(`run(): input '${name}' is missing`);
      }
      checkValue(name, feeds[name], this.inputInfo.get(name)?.type, symbols);
    }
    checkSymbolicSizes(this.symbolicTensors, symbols, this.env.maxTensorBytes);
  }

  private observe(e: NodeEvent): void {
    if (this.profile) {
      this.profile.push({ node: e.node.name, opType: e.node.opType, backend: e.backend, startMs: e.startMs, durationMs: e.durationMs, depth: e.depth });
    }
    if (this.intermediates) e.node.outputs.forEach((name, i) => { if (name) this.intermediates!.set(name, e.outputs[i]); });
  }

  /** Per-node timings collected since the session started (with `enableProfiling`); clears them. */
  endProfiling(): ProfileEvent[] {
    const events = this.profile ?? [];
    if (this.profile) this.profile = [];
    return events;
  }

  /** Every value of the last run by name (with `captureIntermediates`). */
  lastIntermediates(): ReadonlyMap<string, Value> {
    if (!this.intermediates) throw new Error('intermediates are captured only with the session option captureIntermediates');
    return this.intermediates;
  }

  /** Execution providers skipped because they cannot run here (no GPU adapter...), with the reason for each. */
  get unavailableProviders(): readonly UnavailableProvider[] {
    return sessionBackends.get(this.env.backends)?.unavailable ?? [];
  }

  /** Frees what the backends hold for this session (uploaded weights, pooled buffers); later runs throw. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await releaseSessionBackends(this.env.backends);
  }
}

function placementOf(node: Node, backend: string, depth: number): NodePlacement {
  return { node: node.name, opType: node.opType, domain: node.domain, backend, depth };
}

function isModel(v: unknown): v is Model {
  return typeof v === 'object' && v !== null && 'graph' in v && 'opsetImports' in v;
}

/** Checks a fed value against the declared type: kind, element type, rank, fixed dims and consistent symbolic dims. */
function checkValue(name: string, v: Value, type: TypeInfo | undefined, symbols: Map<string, number>): void {
  if (v === undefined) throw new Error(`run(): input '${name}' is undefined`);
  if (!type) return;
  const expected = (what: string): Error => new Error(`run(): input '${name}' expects ${what}, got ${describeValue(v)}`);
  switch (type.kind) {
    case 'tensor': case 'sparse_tensor': {
      if (!(v instanceof Tensor)) throw expected(`a tensor(${type.elemType})`);
      if (v.type !== type.elemType) throw expected(`element type ${type.elemType}`);
      if (!type.shape) return;
      if (v.dims.length !== type.shape.length) throw expected(`rank ${type.shape.length} [${type.shape.map((d) => d ?? '?').join(', ')}]`);
      type.shape.forEach((d, i) => {
        const got = v.dims[i];
        if (typeof d === 'number' && d !== got) throw new Error(`run(): input '${name}' dim ${i} must be ${d}, got ${got}`);
        if (typeof d === 'string') {
          const bound = symbols.get(d);
          if (bound !== undefined && bound !== got) {
            throw new Error(`run(): input '${name}' dim ${i} ('${d}') is ${got}, but another input set '${d}' to ${bound}`);
          }
          symbols.set(d, got);
        }
      });
      return;
    }
    case 'sequence':
      if (!Array.isArray(v)) throw expected('a sequence (array)');
      for (const item of v) checkValue(`${name}[]`, item, type.elem, new Map());
      return;
    case 'map':
      if (!(v instanceof Map)) throw expected('a map (Map)');
      return;
    case 'optional':
      if (v !== null) checkValue(name, v, type.elem, symbols);
      return;
  }
}
