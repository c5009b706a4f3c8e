/** `onnx-ts profile`, through the built binary: timing tables and the Chrome trace. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LIGHT, jsonOf, onnxTs, readModel, tempDir } from './helpers.js';

interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts?: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { op?: string; run?: number };
}

test('profile --json and --trace on a light model: every node of every run is timed', () => {
  const path = join(LIGHT, 'light_squeezenet.onnx');
  const trace = join(tempDir(), 'trace', 'squeezenet.json');
  const r = onnxTs(['profile', path, '--backend', 'cpu-ref', '--runs', '2', '--warmup', '0', '--trace', trace, '--json']);
  assert.is(r.status, 0, r.stderr);
  const model = readModel(path);
  const opTypes = new Set(model.graph.nodes.map((n) => n.opType));
  const report = jsonOf(r);
  assert.is(report.runs, 2);
  assert.is(report.runMs.length, 2);
  assert.equal(new Set(report.ops.map((o: { op: string }) => o.op)), opTypes);
  assert.is(report.nodes.length, model.graph.nodes.length);
  for (const n of report.nodes) assert.is(n.callsPerRun, 1);
  const convNodes = model.graph.nodes.filter((n) => n.opType === 'Conv').length;
  assert.is(report.ops.find((o: { op: string }) => o.op === 'Conv').nodes, convNodes);

  const events = (JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const complete = events.filter((e) => e.ph === 'X');
  const runs = complete.filter((e) => e.cat === 'run');
  assert.is(runs.length, 2);
  for (const [i, run] of runs.entries()) {
    const nodes = complete.filter((e) => e.cat !== 'run' && e.args?.run === i + 1);
    assert.is(nodes.length, model.graph.nodes.length);
    for (const e of nodes) {
      assert.ok(opTypes.has(e.cat as string), `unknown op ${e.cat}`);
      assert.ok(e.dur! >= 0 && e.ts! >= run.ts! && e.ts! + e.dur! <= run.ts! + run.dur! + 1, `${e.name} lies outside its run`);
    }
  }
  assert.ok(runs[1].ts! >= runs[0].ts! + runs[0].dur!, 'runs are in sequence');
});

test('profile text lists op types and the slowest nodes', () => {
  const path = join(LIGHT, 'light_squeezenet.onnx');
  const r = onnxTs(['profile', path, '--runs', '1', '--top', '3']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /cpu-ref: 1 runs after 1 warm-up; run median [\d.]+ ms/);
  assert.match(r.stdout, /\nConv +26 +[\d.]+ +[\d.]+% +cpu-ref\n/);
  assert.match(r.stdout, `top 3 of ${readModel(path).graph.nodes.length} nodes`);
});

test('profile takes exactly one backend', () => {
  const r = onnxTs(['profile', join(LIGHT, 'light_squeezenet.onnx'), '--backend', 'cpu-ref,cpu-ref']);
  assert.is(r.status, 2);
  assert.match(r.stderr, 'onnx-ts: profile takes one backend, got cpu-ref, cpu-ref');
});

test.run();
