/**
 * `onnx-ts diff`: runs a model on two backends keeping every intermediate value, and finds the first node, in
 * execution order, whose outputs disagree under |a - b| <= atol + rtol * |b|.
 */
import { InferenceSession, Tensor, type Model, type Node, type Value } from '@onnx-ts/core';
import { compareValues, type Tolerance } from '@onnx-ts/conformance';
import { requireBackends } from '../lib/backends.js';
import { parseTolerance } from '../lib/compare.js';
import { CliError } from '../lib/errors.js';
import { formatNumber } from '../lib/format.js';
import { buildFeeds, type InputOptions } from '../lib/inputs.js';
import { loadModel } from '../lib/model.js';
import type { ValueStats } from '../lib/stats.js';
import { describeValueLines, formatStats, numericData, tensorStats } from '../lib/values.js';

export interface DiffOptions extends InputOptions {
  backends?: string[];
  rtol?: string;
  atol?: string;
  all?: boolean;
  json?: boolean;
}

interface BackendValues {
  backend: string;
  values: ReadonlyMap<string, Value>;
  /** The run's error, when it stopped before the end (values then hold what was computed). */
  error?: string;
}

async function captureRun(model: Model, backend: string, feeds: Record<string, Value>): Promise<BackendValues> {
  const session = await InferenceSession.create(model, { executionProviders: [backend], captureIntermediates: true, graphOptimizationLevel: 'disabled' });
  let error: string | undefined;
  try {
    await session.run(feeds);
  } catch (e) {
    error = (e as Error).message;
  }
  const values = new Map(session.lastIntermediates());
  await session.release();
  return { backend, values, error };
}

interface ValueDiff {
  name: string;
  node?: Node;
  mismatch?: string;
  maxAbsDiff?: number;
  stats?: [ValueStats | undefined, ValueStats | undefined];
}

/** Largest |a - b| over elements where neither is NaN; undefined when the tensors cannot be compared elementwise. */
function maxAbsDiff(a: Value, b: Value): number | undefined {
  if (!(a instanceof Tensor) || !(b instanceof Tensor) || a.size !== b.size) return undefined;
  const x = numericData(a);
  const y = numericData(b);
  if (!x || !y) return undefined;
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    if (d > worst) worst = d;
  }
  return worst;
}

function compareRuns(model: Model, a: BackendValues, b: BackendValues, tol: Tolerance): { compared: ValueDiff[]; missing: string[] } {
  const producer = new Map<string, Node>();
  for (const node of model.graph.nodes) for (const o of node.outputs) if (o) producer.set(o, node);
  const compared: ValueDiff[] = [];
  const missing: string[] = [];
  // Values of a's run in the order they were produced; only main-graph node outputs (subgraph values are per iteration).
  for (const [name, va] of a.values) {
    const node = producer.get(name);
    if (!node) continue;
    if (!b.values.has(name)) {
      missing.push(name);
      continue;
    }
    const vb = b.values.get(name) as Value;
    const mismatch = compareValues(va, vb, tol, `'${name}'`);
    const stats: ValueDiff['stats'] = va instanceof Tensor && vb instanceof Tensor ? [tensorStats(va), tensorStats(vb)] : undefined;
    compared.push({ name, node, mismatch, maxAbsDiff: maxAbsDiff(va, vb), stats });
  }
  return { compared, missing };
}

function nodeLabel(node: Node | undefined): string {
  return node ? `'${node.name || node.outputs[0]}' (${node.opType})` : '(unknown node)';
}

export async function diffCommand(modelPath: string, opts: DiffOptions): Promise<number> {
  const names = opts.backends ?? [];
  if (names.length !== 2) throw new CliError(`diff compares two backends, got ${names.length ? names.join(', ') : 'none'}`, 'pass --backends A,B (e.g. --backends cpu-ref,cpu)');
  await requireBackends(names);
  const tol = parseTolerance(opts);
  const model = await loadModel(modelPath);
  const probe = await InferenceSession.create(model, { executionProviders: [names[0]] });
  const { feeds } = buildFeeds(probe.inputMetadata, opts);
  const a = await captureRun(model, names[0], feeds);
  const b = await captureRun(model, names[1], feeds);
  const { compared, missing } = compareRuns(model, a, b, tol);
  const bad = compared.filter((d) => d.mismatch);
  const first = bad[0];
  const finalNames = new Set(model.graph.outputs.map((o) => o.name));
  const outputsAgree = compared.filter((d) => finalNames.has(d.name)).every((d) => !d.mismatch) && !a.error && !b.error;
  const overallMax = compared.reduce((m, d) => Math.max(m, d.maxAbsDiff ?? 0), 0);

  if (opts.json) {
    const describe = (d: ValueDiff) => ({
      value: d.name, node: d.node?.name, opType: d.node?.opType, mismatch: d.mismatch, maxAbsDiff: d.maxAbsDiff,
      stats: d.stats ? { [a.backend]: d.stats[0], [b.backend]: d.stats[1] } : undefined,
    });
    console.log(JSON.stringify({
      backends: names, tolerance: tol, compared: compared.length, disagreeing: bad.length, maxAbsDiff: overallMax,
      firstDisagreement: first ? describe(first) : null, outputsAgree, missing,
      errors: { [a.backend]: a.error ?? null, [b.backend]: b.error ?? null },
      values: opts.all ? compared.map(describe) : undefined,
    }));
    return bad.length || a.error || b.error ? 1 : 0;
  }

  console.log(`${a.backend} vs ${b.backend}: ${compared.length} values compared (|a-b| <= ${formatNumber(tol.atol)} + ${formatNumber(tol.rtol)}·|b|, b = ${b.backend})`);
  for (const r of [a, b]) if (r.error) console.log(`${r.backend} stopped with an error: ${r.error}`);
  if (missing.length) console.log(`${missing.length} values ${b.backend} did not produce, first: '${missing[0]}'`);
  if (!first) {
    console.log(`all values agree; largest difference ${formatNumber(overallMax)}`);
  } else {
    console.log(`\nfirst disagreement at node ${nodeLabel(first.node)}, output '${first.name}':`);
    console.log(`  ${first.mismatch}`);
    if (first.maxAbsDiff !== undefined) console.log(`  max abs diff ${formatNumber(first.maxAbsDiff)}`);
    const [va, vb] = [a.values.get(first.name) as Value, b.values.get(first.name) as Value];
    for (const line of describeValueLines(a.backend, va, '  ')) console.log(line);
    for (const line of describeValueLines(b.backend, vb, '  ')) console.log(line);
    if (!missing.length) console.log('  every value computed before it agrees, so the difference starts in this node');
    console.log(`\n${bad.length} of ${compared.length} values disagree; final outputs ${outputsAgree ? 'agree' : 'disagree'}`);
  }
  if (opts.all && bad.length) {
    console.log('\ndisagreeing values in execution order:');
    for (const d of bad) {
      const s = d.stats;
      console.log(`  ${nodeLabel(d.node)} '${d.name}': max abs diff ${d.maxAbsDiff === undefined ? '-' : formatNumber(d.maxAbsDiff)}`);
      if (s?.[0] && s[1]) console.log(`    ${a.backend}: ${formatStats(s[0])}\n    ${b.backend}: ${formatStats(s[1])}`);
    }
  }
  return bad.length || a.error || b.error ? 1 : 0;
}
