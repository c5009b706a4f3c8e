/** `onnx-ts run`: runs a model on one or more backends and prints its outputs, latency and agreement. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, encodeValue, type Model, type Value } from '@onnx-ts/core';
import { chooseBackends } from '../lib/backends.js';
import { compareOutputs } from '../lib/compare.js';
import { CliError } from '../lib/errors.js';
import { formatMs, textTable } from '../lib/format.js';
import { buildFeeds, hintRandomInputs, type InputOptions } from '../lib/inputs.js';
import { loadModel } from '../lib/model.js';
import { median } from '../lib/stats.js';
import { describeValueLines, valueToJson } from '../lib/values.js';

export interface RunCommandOptions extends InputOptions {
  backend?: string[];
  runs?: string;
  json?: boolean;
  saveInputs?: string;
}

export interface BackendRun {
  backend: string;
  timesMs: number[];
  outputs: Record<string, Value>;
  /** How these outputs differ from the first backend's; undefined when they agree (or for the first backend). */
  mismatch?: string;
}

export function positiveInt(text: string | undefined, fallback: number, flag: string, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new CliError(`${flag} ${text}: expected an integer >= ${min}`);
  return n;
}

/** Runs the model on each backend in turn: `warmup` untimed runs, then `runs` timed ones. */
export async function runOnBackends(model: Model, backends: readonly string[], feeds: Record<string, Value>, runs: number, warmup = 0): Promise<BackendRun[]> {
  const results: BackendRun[] = [];
  for (const backend of backends) {
    const session = await InferenceSession.create(model, { executionProviders: [backend] });
    let outputs: Record<string, Value> = {};
    for (let i = 0; i < warmup; i++) outputs = await session.run(feeds);
    const timesMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      outputs = await session.run(feeds);
      timesMs.push(performance.now() - t0);
    }
    await session.release();
    results.push({ backend, timesMs, outputs, mismatch: results.length ? compareOutputs(outputs, results[0].outputs) : undefined });
  }
  return results;
}

/** The per-backend latency and agreement table. */
export function latencyTable(results: readonly BackendRun[]): string {
  const reference = results[0].backend;
  const rows = results.map((r, i) => [
    r.backend, formatMs(median(r.timesMs)), String(r.timesMs.length), i === 0 ? '(reference)' : r.mismatch ? `no: ${r.mismatch}` : 'yes',
  ]);
  return textTable(['backend', 'median ms', 'runs', `agrees with ${reference}`], rows, new Set([1, 2]));
}

export function runJson(results: readonly BackendRun[]): object {
  return {
    outputs: Object.fromEntries(Object.entries(results[0].outputs).map(([k, v]) => [k, valueToJson(v)])),
    backends: results.map((r) => ({ name: r.backend, medianMs: median(r.timesMs), timesMs: r.timesMs, agrees: r.mismatch === undefined, mismatch: r.mismatch })),
  };
}

export async function runCommand(modelPath: string, opts: RunCommandOptions): Promise<number> {
  const model = await loadModel(modelPath);
  const backends = await chooseBackends(opts.backend);
  const runs = positiveInt(opts.runs, 1, '--runs');
  const probe = await InferenceSession.create(model, { executionProviders: [backends[0]] });
  const inputs = buildFeeds(probe.inputMetadata, opts);
  const { feeds, sources } = inputs;
  if (opts.saveInputs) {
    mkdirSync(opts.saveInputs, { recursive: true });
    for (const [name, v] of Object.entries(feeds)) writeFileSync(join(opts.saveInputs, `${name.replace(/[^\w.-]/g, '_')}.pb`), encodeValue(v));
  }
  const results = await hintRandomInputs(inputs, () => runOnBackends(model, backends, feeds, runs));
  const disagree = results.some((r) => r.mismatch);
  if (opts.json) {
    console.log(JSON.stringify(runJson(results)));
    return disagree ? 1 : 0;
  }
  console.log('inputs:');
  for (const [name, source] of Object.entries(sources)) console.log(`  ${name}: ${source}`);
  console.log(`outputs (${results[0].backend}):`);
  for (const [name, v] of Object.entries(results[0].outputs)) for (const line of describeValueLines(name, v, '  ')) console.log(line);
  console.log('');
  console.log(latencyTable(results));
  return disagree ? 1 : 0;
}
