/** `onnx-ts bench`: latency and memory of a model on onnx-ts backends and, optionally, on onnxruntime, timed alternately. */
import { InferenceSession, type Model, type Value } from '@onnx-ts/core';
import { backendDescriptions, chooseBackends } from '../lib/backends.js';
import { compareOutputs } from '../lib/compare.js';
import { CliError } from '../lib/errors.js';
import { isOrtEngine, measureAlternately, onnxTsEngine, ortEngine, type EngineFactory, type Measurement } from '../lib/engines.js';
import { formatBytes, formatMs, textTable } from '../lib/format.js';
import { buildFeeds, type InputOptions } from '../lib/inputs.js';
import { loadModel } from '../lib/model.js';
import { median, percentile } from '../lib/stats.js';
import { positiveInt } from './run.js';

export interface BenchOptions extends InputOptions {
  backend?: string[];
  runs?: string;
  warmup?: string;
  threads?: string;
  compare?: string[];
  json?: boolean;
}

/** Engines for our backends and the requested onnxruntime flavours. */
export function engineFactories(model: Model, modelSource: string | Uint8Array, backends: readonly string[], compare: readonly string[], feeds: Record<string, Value>, threads: number): EngineFactory[] {
  return [
    ...backends.map((b) => ({ name: b, create: () => onnxTsEngine(model, b, feeds, { intraOpNumThreads: threads }) })),
    ...compare.map((name) => {
      if (!isOrtEngine(name)) throw new CliError(`--compare ${name}: unknown engine`, 'choose from ort-web, ort-node');
      return { name, create: () => ortEngine(name, modelSource, feeds, threads) };
    }),
  ];
}

export interface EngineSummary {
  name: string;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  timesMs: number[];
  rssDelta: number;
  heapDelta: number;
  /** Agreement of the outputs with the first engine's (ONNX rule, rtol 1e-3, atol 1e-5). */
  agrees?: boolean;
  mismatch?: string;
  error?: string;
}

export function summarizeMeasurements(ms: readonly Measurement[]): EngineSummary[] {
  const reference = ms.find((m) => !m.error && m.outputs);
  return ms.map((m) => {
    const mismatch = m.outputs && reference?.outputs && m !== reference ? compareOutputs(m.outputs, reference.outputs) : undefined;
    return {
      name: m.name, medianMs: median(m.timesMs), p90Ms: percentile(m.timesMs, 90), minMs: Math.min(...m.timesMs),
      timesMs: m.timesMs, rssDelta: m.rssDelta, heapDelta: m.heapDelta,
      agrees: m.error || !m.outputs ? undefined : mismatch === undefined, mismatch, error: m.error,
    };
  });
}

export async function benchCommand(modelPath: string, opts: BenchOptions): Promise<number> {
  const model = await loadModel(modelPath);
  const backends = await chooseBackends(opts.backend);
  const runs = positiveInt(opts.runs, 10, '--runs');
  const warmup = positiveInt(opts.warmup, 2, '--warmup', 0);
  const threads = positiveInt(opts.threads, 1, '--threads');
  const probe = await InferenceSession.create(model, { executionProviders: [backends[0]] });
  const { feeds, sources } = buildFeeds(probe.inputMetadata, opts);
  const factories = engineFactories(model, modelPath, backends, opts.compare ?? [], feeds, threads);
  const progress = opts.json || !process.stderr.isTTY ? undefined : (msg: string) => process.stderr.write(`\r\x1b[K${msg}`);
  const summaries = summarizeMeasurements(await measureAlternately(factories, runs, warmup, progress));
  if (progress) process.stderr.write('\r\x1b[K');
  const failed = summaries.some((s) => s.error);
  if (opts.json) {
    console.log(JSON.stringify({ model: modelPath, runs, warmup, threads, engines: summaries }));
    return failed ? 1 : 0;
  }
  console.log(`${modelPath}: ${runs} runs after ${warmup} warm-up, ${threads} thread${threads > 1 ? 's' : ''}, engines timed alternately`);
  for (const [name, source] of Object.entries(sources)) console.log(`  input ${name}: ${source}`);
  for (const line of backendDescriptions(backends)) console.log(`  ${line}`);
  const base = summaries[0];
  const rows = summaries.map((s) => s.error
    ? [s.name, 'error', '', '', '', '', '', s.error.slice(0, 120)]
    : [
      s.name, formatMs(s.medianMs), formatMs(s.p90Ms), formatMs(s.minMs), formatBytes(s.rssDelta), formatBytes(s.heapDelta),
      s === base || base.error ? '' : `${(s.medianMs / base.medianMs).toFixed(2)}x`,
      s === base ? '(reference)' : s.agrees ? 'yes' : `no: ${s.mismatch}`,
    ]);
  console.log('');
  console.log(textTable(['engine', 'median ms', 'p90 ms', 'min ms', 'rss Δ', 'heap Δ', `vs ${base.name}`, 'outputs agree'], rows, new Set([1, 2, 3, 4, 5, 6])));
  console.log('\nrss Δ / heap Δ: memory growth from before loading the engine to after its warm-up');
  return failed ? 1 : 0;
}
