/**
 * `pnpm --filter @onnx-ts/optimizer bench [--models REGEX] [--runs N]`: for each light model of the ONNX test data,
 * node counts and median cpu-ref latency of the model as loaded, optimized (extended), and optimized with the
 * com.onnx-ts fused ops; the three are timed alternately in one process, with a garbage collection before each run
 * (the script runs node with --expose-gc). Prints a Markdown table.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compareValues, discoverCases, findDataRoot } from '@onnx-ts/conformance';
import { InferenceSession, type Model, type Tensor } from '@onnx-ts/core';
import '@onnx-ts/backend-cpu-ref';
import { countNodes, optimizeModel } from '../src/index.js';

const { values } = parseArgs({ options: { models: { type: 'string' }, runs: { type: 'string', default: '5' }, data: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: expected an integer >= 1`);
const filter = values.models ? new RegExp(values.models) : undefined;
const cases = discoverCases(join(findDataRoot(values.data), 'light')).filter((c) => !filter || filter.test(c.name));
if (!cases.length) throw new Error(`no light models${filter ? ` matching ${filter}` : ''}`);

const collectGarbage = (globalThis as { gc?: () => void }).gc;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log('| model | nodes | optimized | fused | cpu-ref ms | optimized ms | fused ms | speed-up | fused speed-up | optimize ms | output |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const c of cases) {
  const { model, dataSets } = c.load();
  const started = performance.now();
  const optimized = optimizeModel(model).model;
  const optimizeMs = performance.now() - started;
  const fused = optimizeModel(model, { allowCustom: true }).model;
  const variants: [string, Model, string[]][] = [
    ['original', model, ['cpu-ref']],
    ['optimized', optimized, ['cpu-ref']],
    ['fused', fused, ['cpu-ref', 'onnx-ts-fused']],
  ];
  // The session's own optimizer is off: each variant runs as written.
  const sessions = await Promise.all(variants.map(([, m, providers]) => InferenceSession.create(m, { executionProviders: providers, graphOptimizationLevel: 'disabled' })));
  const feeds = { [sessions[0].inputNames[0]]: dataSets[0].inputs[0] as Tensor };
  const times: number[][] = variants.map(() => []);
  const verdicts: string[] = [];
  for (const [i, s] of sessions.entries()) {
    const out = await s.run(feeds);
    const name = s.outputNames[0];
    const mismatch = compareValues(out[name], dataSets[0].outputs[0], c.tolerance, name);
    if (mismatch) verdicts.push(`${variants[i][0]}: ${mismatch}`);
  }
  for (let r = 0; r < runs; r++) {
    for (const [i, s] of sessions.entries()) {
      // Collect the previous run's garbage first, so one variant's allocations are not paid for by the next.
      collectGarbage?.();
      const t0 = performance.now();
      await s.run(feeds);
      times[i].push(performance.now() - t0);
    }
  }
  const [base, opt, fus] = times.map(median);
  console.log(`| ${c.name.replace(/^test_/, '')} | ${countNodes(model.graph)} | ${countNodes(optimized.graph)} | ${countNodes(fused.graph)} | ${base.toFixed(0)} | ${opt.toFixed(0)} | ${fus.toFixed(0)} | ${(base / opt).toFixed(2)}× | ${(base / fus).toFixed(2)}× | ${optimizeMs.toFixed(0)} | ${verdicts.length ? verdicts.join('; ') : 'matches'} |`);
}
