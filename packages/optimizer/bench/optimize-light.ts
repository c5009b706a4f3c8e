/**
 * `pnpm --filter @onnx-ts/optimizer bench [--models REGEX] [--runs N]`: for each light model of the ONNX test data,
 * node counts and median cpu-ref latency (process CPU time and wall time) of the model as loaded, optimized
 * (extended), and optimized with the com.onnx-ts fused ops, timed alternately in one process (see timing.ts; the
 * script runs node with --expose-gc). Prints a Markdown table.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compareValues, discoverCases, findDataRoot } from '@onnx-ts/conformance';
import { InferenceSession, type Model, type Tensor } from '@onnx-ts/core';
import '@onnx-ts/backend-cpu-ref';
import { countNodes, optimizeModel } from '../src/index.js';
import { timeAlternately } from './timing.js';

const { values } = parseArgs({ options: { models: { type: 'string' }, runs: { type: 'string', default: '5' }, data: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: expected an integer >= 1`);
const filter = values.models ? new RegExp(values.models) : undefined;
const cases = discoverCases(join(findDataRoot(values.data), 'light')).filter((c) => !filter || filter.test(c.name));
if (!cases.length) throw new Error(`no light models${filter ? ` matching ${filter}` : ''}`);

console.log('| model | nodes | optimized | fused | cpu-ref ms, CPU / wall | optimized ms | fused ms | speed-up, CPU / wall | fused speed-up | optimize ms | output |');
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
  const verdicts: string[] = [];
  for (const [i, s] of sessions.entries()) {
    const out = await s.run(feeds);
    const name = s.outputNames[0];
    const mismatch = compareValues(out[name], dataSets[0].outputs[0], c.tolerance, name);
    if (mismatch) verdicts.push(`${variants[i][0]}: ${mismatch}`);
  }
  const { wall: [base, opt, fus], cpu: [baseCpu, optCpu, fusCpu] } = await timeAlternately(sessions, feeds, runs);
  const ms = (cpuMs: number, wallMs: number): string => `${cpuMs.toFixed(0)} / ${wallMs.toFixed(0)}`;
  const ratio = (cpuRatio: number, wallRatio: number): string => `${cpuRatio.toFixed(2)}× / ${wallRatio.toFixed(2)}×`;
  const cells = [
    c.name.replace(/^test_/, ''), countNodes(model.graph), countNodes(optimized.graph), countNodes(fused.graph),
    ms(baseCpu, base), ms(optCpu, opt), ms(fusCpu, fus), ratio(baseCpu / optCpu, base / opt), ratio(baseCpu / fusCpu, base / fus),
    optimizeMs.toFixed(0), verdicts.length ? verdicts.join('; ') : 'matches',
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
