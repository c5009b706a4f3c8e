/**
 * `pnpm bench`: median latency of the light models of the ONNX test data (input arange(n)/n) on each onnx-ts backend,
 * beside onnxruntime-web (wasm) and onnxruntime-node, timed alternately in one process; prints a Markdown table.
 */
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { Tensor, type Value } from '@onnx-ts/core';
import { compareValues, discoverCases, findDataRoot } from '@onnx-ts/conformance';
import { backendDescriptions, backendList, availableBackends, requireBackends } from './lib/backends.js';
import { engineFactories, summarizeMeasurements, type EngineSummary } from './commands/bench.js';
import { positiveInt } from './commands/run.js';
import { measureAlternately } from './lib/engines.js';
import { formatDims, formatMs, markdownTable } from './lib/format.js';
import { exitQuietlyOnClosedPipe, fail } from './lib/fail.js';

interface BenchLightOptions {
  runs: string;
  warmup: string;
  threads: string;
  data?: string;
  models?: string;
  backend?: string[];
  compare: string[];
}

/** The folder of light models: the data root's light/, or the folder given itself. */
function lightDir(data: string | undefined): string {
  const root = findDataRoot(data);
  return existsSync(join(root, 'light')) ? join(root, 'light') : root;
}

/** Progress on stderr: one updating line on a terminal, one line per model otherwise. */
function progress(message: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${message}`);
  else if (message.endsWith('loading and warming up')) process.stderr.write(`${message}\n`);
}

const ratio = (a: EngineSummary | undefined, b: EngineSummary | undefined): string =>
  a && b && !a.error && !b.error ? `${(a.medianMs / b.medianMs).toFixed(1)}×` : '-';

async function benchLight(opts: BenchLightOptions): Promise<void> {
  const runs = positiveInt(opts.runs, 3, '--runs');
  const warmup = positiveInt(opts.warmup, 1, '--warmup', 0);
  const threads = positiveInt(opts.threads, 1, '--threads');
  const backends = opts.backend?.length ? await requireBackends(opts.backend) : await availableBackends();
  const filter = opts.models ? new RegExp(opts.models) : undefined;
  const cases = discoverCases(lightDir(opts.data)).filter((c) => c.suite === 'light' && (!filter || filter.test(c.name)));
  if (!cases.length) throw new Error(`no light models found${filter ? ` matching ${filter}` : ''}`);
  const engines = [...backends, ...opts.compare];
  const headers = ['model', 'input', ...engines.map((e) => `${e} ms`)];
  for (const b of backends) for (const o of opts.compare) headers.push(`${b} / ${o}`);
  headers.push(...backends.map((b) => `${b} output`));
  const rows: string[][] = [];
  const notes: string[] = [];
  const started = performance.now();
  for (const [i, c] of cases.entries()) {
    const label = `[${i + 1}/${cases.length}] ${c.name.replace(/^test_/, '')}`;
    const { model, bytes, dataSets } = c.load();
    const initializers = new Set(model.graph.initializers.keys());
    const inputNames = model.graph.inputs.filter((v) => !initializers.has(v.name)).map((v) => v.name);
    const feeds: Record<string, Value> = Object.fromEntries(inputNames.map((n, k) => [n, dataSets[0].inputs[k]]));
    const factories = engineFactories(model, bytes, backends, opts.compare, feeds, threads);
    const measurements = await measureAlternately(factories, runs, warmup, (m) => progress(`${label}: ${m}`));
    const summaries = summarizeMeasurements(measurements);
    const byName = new Map(summaries.map((s) => [s.name, s]));
    const cell = (s: EngineSummary): string => {
      if (!s.error) return formatMs(s.medianMs);
      notes.push(`${c.name} on ${s.name}: ${s.error.slice(0, 300)}`);
      return `error [${notes.length}]`;
    };
    const expected = dataSets[0].outputs[0];
    const outputName = model.graph.outputs[0].name;
    const verdict = (b: string): string => {
      const m = measurements.find((x) => x.name === b);
      const got = m?.outputs?.[outputName];
      if (!m || m.error || !got) return '-';
      const mismatch = compareValues(got, expected, c.tolerance, outputName);
      if (!mismatch) return 'matches';
      notes.push(`${c.name} on ${b}: ${mismatch}`);
      return `differs [${notes.length}]`;
    };
    const first = dataSets[0].inputs[0];
    rows.push([
      c.name.replace(/^test_/, ''), first instanceof Tensor ? formatDims(first.dims) : '-',
      ...summaries.map(cell),
      ...backends.flatMap((b) => opts.compare.map((o) => ratio(byName.get(b), byName.get(o)))),
      ...backends.map(verdict),
    ]);
  }
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const right = new Set(headers.map((_, k) => k).filter((k) => k >= 2 && k < headers.length - backends.length));
  console.log(`Light models (input arange(n)/n), median of ${runs} runs after ${warmup} warm-up, ${threads} thread${threads > 1 ? 's' : ''}, engines timed alternately.`);
  console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores); took ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  for (const line of backendDescriptions(backends)) console.log(line);
  console.log('');
  console.log(markdownTable(headers, rows, right));
  if (notes.length) console.log(`\n${notes.map((n, k) => `[${k + 1}] ${n}`).join('\n')}`);
}

const program = new Command('bench-light')
  .description('median latency of the ONNX light models on onnx-ts backends and onnxruntime')
  .option('--runs <n>', 'timed runs per engine', '3')
  .option('--warmup <n>', 'untimed runs per engine first', '1')
  .option('--threads <n>', 'threads for each engine', '1')
  .option('--data <dir>', 'test data root or light model folder (default: ONNX_TEST_DATA, ../shared)')
  .option('--models <regex>', 'only models whose test name matches')
  .option('--backend <names>', 'onnx-ts backends, comma-separated (default: every available one)', backendList)
  .option('--compare <engines>', 'onnxruntime engines to time beside them', backendList, ['ort-web', 'ort-node'])
  .option('--verbose', 'show stack traces')
  .action(benchLight);

exitQuietlyOnClosedPipe();
program.parseAsync(process.argv).catch((e) => fail(e, process.argv.includes('--verbose')));
