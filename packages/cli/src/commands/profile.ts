/** `onnx-ts profile`: per-node and per-op time on one backend, and a Chrome trace of the runs. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InferenceSession, type ProfileEvent, type Value } from '@onnx-ts/core';
import { chooseBackends } from '../lib/backends.js';
import { CliError } from '../lib/errors.js';
import { formatMs, textTable } from '../lib/format.js';
import { buildFeeds, hintRandomInputs, type InputOptions } from '../lib/inputs.js';
import { loadModel } from '../lib/model.js';
import { median } from '../lib/stats.js';
import { positiveInt } from './run.js';

export interface ProfileOptions extends InputOptions {
  backend?: string[];
  runs?: string;
  warmup?: string;
  trace?: string;
  top?: string;
  json?: boolean;
}

interface ProfiledRun {
  /** Start of the run relative to the first profiled run, ms. */
  startMs: number;
  durationMs: number;
  events: ProfileEvent[];
}

interface NodeTime {
  key: string;
  opType: string;
  backends: Set<string>;
  depth: number;
  totalMs: number;
  calls: number;
}

/** A name for each event: the node's name, or 'Op#k' for the k-th unnamed node of that op in the run. */
function eventKeys(events: readonly ProfileEvent[]): string[] {
  const unnamed = new Map<string, number>();
  return events.map((e) => {
    if (e.node) return e.node;
    const k = unnamed.get(e.opType) ?? 0;
    unnamed.set(e.opType, k + 1);
    return `${e.opType}#${k}`;
  });
}

function nodeTimes(runs: readonly ProfiledRun[]): NodeTime[] {
  const byKey = new Map<string, NodeTime>();
  for (const run of runs) {
    const keys = eventKeys(run.events);
    run.events.forEach((e, i) => {
      const key = `${e.depth}:${keys[i]}`;
      const t = byKey.get(key) ?? { key: keys[i], opType: e.opType, backends: new Set(), depth: e.depth, totalMs: 0, calls: 0 };
      t.backends.add(e.backend);
      t.totalMs += e.durationMs;
      t.calls++;
      byKey.set(key, t);
    });
  }
  return [...byKey.values()];
}

interface OpTime {
  op: string;
  nodes: number;
  msPerRun: number;
  backends: string[];
}

function opTimes(nodes: readonly NodeTime[], runCount: number): OpTime[] {
  const byOp = new Map<string, { nodes: number; totalMs: number; backends: Set<string> }>();
  for (const n of nodes) {
    const t = byOp.get(n.opType) ?? { nodes: 0, totalMs: 0, backends: new Set<string>() };
    t.nodes++;
    t.totalMs += n.totalMs;
    n.backends.forEach((b) => t.backends.add(b));
    byOp.set(n.opType, t);
  }
  return [...byOp].map(([op, t]) => ({ op, nodes: t.nodes, msPerRun: t.totalMs / runCount, backends: [...t.backends] })).sort((a, b) => b.msPerRun - a.msPerRun);
}

/** Chrome trace event format: one complete ("X") event per run and per node, times in microseconds. */
export function chromeTrace(runs: readonly ProfiledRun[], label: string): object {
  const events: object[] = [
    { name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: label } },
    { name: 'thread_name', ph: 'M', pid: 1, tid: 0, args: { name: 'runs' } },
  ];
  runs.forEach((run, r) => {
    events.push({ name: `run ${r + 1}`, cat: 'run', ph: 'X', pid: 1, tid: 0, ts: run.startMs * 1000, dur: run.durationMs * 1000 });
    const keys = eventKeys(run.events);
    run.events.forEach((e, i) => {
      events.push({
        name: keys[i], cat: e.opType, ph: 'X', pid: 1, tid: 0,
        ts: (run.startMs + e.startMs) * 1000, dur: e.durationMs * 1000,
        args: { op: e.opType, backend: e.backend, depth: e.depth, run: r + 1 },
      });
    });
  });
  return { traceEvents: events, displayTimeUnit: 'ms' };
}

async function profileRuns(session: InferenceSession, feeds: Record<string, Value>, runCount: number, warmup: number): Promise<ProfiledRun[]> {
  for (let i = 0; i < warmup; i++) await session.run(feeds);
  session.endProfiling();
  const runs: ProfiledRun[] = [];
  const origin = performance.now();
  for (let i = 0; i < runCount; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    const durationMs = performance.now() - t0;
    runs.push({ startMs: t0 - origin, durationMs, events: session.endProfiling() });
  }
  return runs;
}

export async function profileCommand(modelPath: string, opts: ProfileOptions): Promise<number> {
  const model = await loadModel(modelPath);
  const backends = await chooseBackends(opts.backend);
  if (backends.length !== 1) throw new CliError(`profile takes one backend, got ${backends.join(', ')}`, 'run it once per backend');
  const [backend] = backends;
  const runCount = positiveInt(opts.runs, 5, '--runs');
  const warmup = positiveInt(opts.warmup, 1, '--warmup', 0);
  const top = positiveInt(opts.top, 15, '--top', 0);
  const session = await InferenceSession.create(model, { executionProviders: [backend], enableProfiling: true });
  const inputs = buildFeeds(session.inputMetadata, opts);
  const runs = await hintRandomInputs(inputs, () => profileRuns(session, inputs.feeds, runCount, warmup));
  await session.release();

  const nodes = nodeTimes(runs).sort((a, b) => b.totalMs - a.totalMs);
  const ops = opTimes(nodes.filter((n) => n.depth === 0), runCount);
  const runMs = runs.map((r) => r.durationMs);
  const nodeMsPerRun = nodes.filter((n) => n.depth === 0).reduce((s, n) => s + n.totalMs, 0) / runCount;
  if (opts.trace) {
    mkdirSync(dirname(opts.trace), { recursive: true });
    writeFileSync(opts.trace, JSON.stringify(chromeTrace(runs, `onnx-ts ${backend}: ${modelPath}`)));
  }
  if (opts.json) {
    console.log(JSON.stringify({
      backend, runs: runCount, warmup, runMs, medianRunMs: median(runMs),
      nodes: nodes.map((n) => ({ node: n.key, opType: n.opType, backends: [...n.backends], depth: n.depth, msPerRun: n.totalMs / runCount, callsPerRun: n.calls / runCount })),
      ops,
    }));
    return 0;
  }
  const share = (ms: number): string => `${nodeMsPerRun > 0 ? ((100 * ms) / nodeMsPerRun).toFixed(1) : '0.0'}%`;
  const meanRunMs = runMs.reduce((a, b) => a + b, 0) / runCount;
  console.log(`${backend}: ${runCount} runs after ${warmup} warm-up; run median ${formatMs(median(runMs))} ms, mean ${formatMs(meanRunMs)} ms, ` +
    `of which nodes ${formatMs(nodeMsPerRun)} ms (the rest is scheduling and input checks)`);
  console.log('\nby op type (ms per run):');
  console.log(textTable(['op', 'nodes', 'ms', 'share', 'backend'],
    ops.map((o) => [o.op, String(o.nodes), formatMs(o.msPerRun), share(o.msPerRun), o.backends.join(', ')]), new Set([1, 2, 3])));
  const shown = top === 0 ? nodes : nodes.slice(0, top);
  console.log(`\n${shown.length < nodes.length ? `top ${shown.length} of ${nodes.length} nodes` : 'nodes'} (ms per run; subgraph nodes are indented and also counted in their parent):`);
  console.log(textTable(['node', 'op', 'ms', 'share', 'calls', 'backend'], shown.map((n) => [
    `${'  '.repeat(n.depth)}${n.key}`, n.opType, formatMs(n.totalMs / runCount), n.depth === 0 ? share(n.totalMs / runCount) : '',
    String(n.calls / runCount), [...n.backends].join(', '),
  ]), new Set([2, 3, 4])));
  if (opts.trace) console.log(`\nChrome trace written to ${opts.trace} (open it in chrome://tracing or https://ui.perfetto.dev)`);
  return 0;
}
