/**
 * Engines the timing commands compare: an onnx-ts session on one backend, or onnxruntime-web / onnxruntime-node,
 * imported only when asked for so the CLI works without them.
 */
import { InferenceSession, Tensor, type Model, type SessionOptions, type Value } from '@onnx-ts/core';
import { CliError } from './errors.js';

export interface Engine {
  name: string;
  run(): Promise<Record<string, Value>>;
  release(): Promise<void>;
}

export const ORT_ENGINES = ['ort-web', 'ort-node'] as const;
export type OrtEngineName = (typeof ORT_ENGINES)[number];

export function isOrtEngine(name: string): name is OrtEngineName {
  return (ORT_ENGINES as readonly string[]).includes(name);
}

export async function onnxTsEngine(model: Model, backend: string, feeds: Record<string, Value>, options: SessionOptions = {}): Promise<Engine> {
  const session = await InferenceSession.create(model, { ...options, executionProviders: [backend] });
  return { name: backend, run: () => session.run(feeds), release: () => session.release() };
}

/** The part of the onnxruntime JavaScript API used here (shared by onnxruntime-web and onnxruntime-node). */
interface OrtTensor {
  type: string;
  data: unknown;
  dims: readonly number[];
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtModule {
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(model: string | Uint8Array, options?: object): Promise<OrtSession> };
  env: { wasm: { numThreads?: number } };
}

const ORT_PACKAGES: Record<OrtEngineName, string> = { 'ort-web': 'onnxruntime-web', 'ort-node': 'onnxruntime-node' };

async function importOrt(name: OrtEngineName): Promise<OrtModule> {
  const pkg = ORT_PACKAGES[name];
  try {
    return (await import(pkg)) as OrtModule;
  } catch (e) {
    throw new CliError(`${name} needs the package '${pkg}', which could not be loaded (${(e as Error).message.split('\n')[0]})`, `install it: pnpm add -D ${pkg}`, e);
  }
}

/** An onnxruntime session on `threads` threads (ort-web: wasm, set once per process; ort-node: the CPU provider). */
export async function ortEngine(name: OrtEngineName, model: string | Uint8Array, feeds: Record<string, Value>, threads: number): Promise<Engine> {
  const ort = await importOrt(name);
  const options: Record<string, unknown> = { logSeverityLevel: 3 };
  if (name === 'ort-web') {
    ort.env.wasm.numThreads = threads;
    options.executionProviders = ['wasm'];
  } else {
    Object.assign(options, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' });
  }
  const ortFeeds: Record<string, OrtTensor> = {};
  for (const [key, v] of Object.entries(feeds)) {
    if (!(v instanceof Tensor)) throw new CliError(`${name}: input '${key}' is not a tensor; only tensor inputs can be passed to onnxruntime here`);
    ortFeeds[key] = new ort.Tensor(v.type, v.data, v.dims);
  }
  const session = await ort.InferenceSession.create(model, options);
  return {
    name,
    async run() {
      const out = await session.run(ortFeeds);
      return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, new Tensor(t.type as never, t.data as never, t.dims)]));
    },
    release: () => session.release(),
  };
}

export interface Measurement {
  name: string;
  timesMs: number[];
  /** Change of resident set size and of V8 heap use from before the engine was created to after its warm-up. */
  rssDelta: number;
  heapDelta: number;
  outputs?: Record<string, Value>;
  error?: string;
}

export interface EngineFactory {
  name: string;
  create(): Promise<Engine>;
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Creates and warms up each engine in turn (recording its memory growth), then times `runs` rounds in which every
 * engine runs once, so drifts in machine speed affect all engines alike. An engine that fails keeps its error and
 * leaves the rounds.
 */
export async function measureAlternately(
  factories: readonly EngineFactory[], runs: number, warmup: number, onProgress?: (message: string) => void,
): Promise<Measurement[]> {
  const results: Measurement[] = [];
  const engines = new Map<Measurement, Engine>();
  for (const f of factories) {
    const m: Measurement = { name: f.name, timesMs: [], rssDelta: 0, heapDelta: 0 };
    results.push(m);
    onProgress?.(`${f.name}: loading and warming up`);
    gc?.();
    const before = process.memoryUsage();
    try {
      const engine = await f.create();
      engines.set(m, engine);
      for (let i = 0; i < warmup; i++) m.outputs = await engine.run();
    } catch (e) {
      m.error = (e as Error).message;
      continue;
    }
    const after = process.memoryUsage();
    m.rssDelta = after.rss - before.rss;
    m.heapDelta = after.heapUsed - before.heapUsed;
  }
  for (let r = 0; r < runs; r++) {
    onProgress?.(`round ${r + 1}/${runs}`);
    for (const [m, engine] of engines) {
      if (m.error) continue;
      const t0 = performance.now();
      try {
        m.outputs = await engine.run();
      } catch (e) {
        m.error = (e as Error).message;
        continue;
      }
      m.timesMs.push(performance.now() - t0);
    }
  }
  for (const engine of engines.values()) await engine.release();
  return results;
}
