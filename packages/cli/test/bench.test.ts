/** `onnx-ts bench` and the `pnpm bench` entry (dist/bench-light.js), through the built files. */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BENCH_LIGHT, LIGHT, jsonOf, onnxTs, runNode } from './helpers.js';

const SQUEEZENET = join(LIGHT, 'light_squeezenet.onnx');

function sortedMedian(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

test('bench --json times cpu-ref, ort-web and ort-node alternately and their outputs agree', () => {
  const r = onnxTs(['bench', SQUEEZENET, '--backend', 'cpu-ref', '--runs', '3', '--warmup', '1', '--compare', 'ort-web,ort-node', '--json']);
  assert.is(r.status, 0, r.stderr);
  const out = jsonOf(r);
  assert.equal(out.engines.map((e: { name: string }) => e.name), ['cpu-ref', 'ort-web', 'ort-node']);
  for (const e of out.engines) {
    assert.is(e.error, undefined, e.error);
    assert.is(e.timesMs.length, 3);
    assert.ok(e.timesMs.every((t: number) => t > 0));
    assert.is(e.medianMs, sortedMedian(e.timesMs));
    assert.ok(e.minMs <= e.medianMs && e.medianMs <= e.p90Ms && e.p90Ms <= Math.max(...e.timesMs));
    assert.is(typeof e.rssDelta, 'number');
  }
  assert.is(out.engines[1].agrees, true, out.engines[1].mismatch);
  assert.is(out.engines[2].agrees, true, out.engines[2].mismatch);
});

test('bench text table and errors', () => {
  const r = onnxTs(['bench', SQUEEZENET, '--runs', '2', '--warmup', '0', '--compare', 'ort-node']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'light_squeezenet.onnx: 2 runs after 0 warm-up, 1 thread');
  assert.match(r.stdout, /\ncpu-ref +[\d.]+ +[\d.]+ +[\d.]+ .*\(reference\)\n/);
  assert.match(r.stdout, /\nort-node +[\d.]+ .* [\d.]+x +yes\n/);

  const bad = onnxTs(['bench', SQUEEZENET, '--compare', 'tensorflow']);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, "onnx-ts: --compare tensorflow: unknown engine\nhint: choose from ort-web, ort-node");
  const runs = onnxTs(['bench', SQUEEZENET, '--runs', '0']);
  assert.match(runs.stderr, 'onnx-ts: --runs 0: expected an integer >= 1');
});

test('bench-light prints a Markdown table row per light model with ratios of the medians', () => {
  const r = runNode(BENCH_LIGHT, ['--models', 'squeezenet|shufflenet', '--runs', '1', '--warmup', '0', '--backend', 'cpu-ref']);
  assert.is(r.status, 0, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => l.startsWith('|'));
  assert.is(rows[0], '| model | input | cpu-ref ms | ort-web ms | ort-node ms | cpu-ref / ort-web | cpu-ref / ort-node | cpu-ref output |');
  assert.is(rows.length, 4);
  for (const [i, name] of ['shufflenet', 'squeezenet'].entries()) {
    const cells = rows[2 + i].split('|').slice(1, -1).map((c) => c.trim());
    assert.is(cells[0], name);
    assert.is(cells[1], '[1, 3, 224, 224]');
    const [ours, web, node] = cells.slice(2, 5).map(Number);
    assert.ok(ours > 0 && web > 0 && node > 0, rows[2 + i]);
    // Ratios are printed to one decimal from unrounded medians; the printed medians carry 3 significant digits.
    assert.ok(Math.abs(parseFloat(cells[5]) - ours / web) <= 0.05 + 0.01 * (ours / web), cells[5]);
    assert.ok(Math.abs(parseFloat(cells[6]) - ours / node) <= 0.05 + 0.01 * (ours / node), cells[6]);
    assert.is(cells[7], 'matches');
  }
});

test.run();
