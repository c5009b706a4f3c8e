/** `onnx-ts` with no arguments (or `onnx-ts demo`): a small CNN built in code, run on every available backend. */
import { writeFileSync } from 'node:fs';
import { InferenceSession, Tensor, saveModel } from '@onnx-ts/core';
import { availableBackends } from '../lib/backends.js';
import { BACKEND_PACKAGES } from '@onnx-ts/conformance';
import { buildDemoModel, DEMO_OUTPUT } from '../lib/demo-model.js';
import { formatNumber } from '../lib/format.js';
import { buildFeeds } from '../lib/inputs.js';
import { describeValueLines } from '../lib/values.js';
import { latencyTable, positiveInt, runJson, runOnBackends } from './run.js';

export interface DemoOptions {
  save?: string;
  runs?: string;
  json?: boolean;
}

export async function demoCommand(opts: DemoOptions): Promise<number> {
  const model = buildDemoModel();
  if (opts.save) {
    writeFileSync(opts.save, saveModel(model));
    console.log(`demo model written to ${opts.save}`);
    return 0;
  }
  const runs = positiveInt(opts.runs, 5, '--runs');
  const backends = await availableBackends();
  const probe = await InferenceSession.create(model, { executionProviders: [backends[0]] });
  const { feeds, sources } = buildFeeds(probe.inputMetadata, {});
  const results = await runOnBackends(model, backends, feeds, runs, 1);
  if (opts.json) {
    console.log(JSON.stringify(runJson(results)));
    return results.some((r) => r.mismatch) ? 1 : 0;
  }
  const absent = [...new Set(Object.keys(BACKEND_PACKAGES).filter((b) => b !== 'webgpu' && !backends.includes(b)))];
  console.log('onnx-ts demo: a small CNN built in code with GraphBuilder');
  console.log(`  ${model.graph.nodes.map((n) => n.opType).join(' → ')}`);
  for (const [name, source] of Object.entries(sources)) console.log(`  input ${name}: ${source}`);
  console.log(`  backends: ${backends.join(', ')}${absent.length ? ` (not available yet: ${absent.join(', ')})` : ''}`);
  console.log(`\noutput on ${results[0].backend}:`);
  const probabilities = results[0].outputs[DEMO_OUTPUT] as Tensor;
  for (const line of describeValueLines(DEMO_OUTPUT, probabilities, '  ')) console.log(line);
  const p = probabilities.data as Float32Array;
  const best = p.indexOf(Math.max(...p));
  console.log(`  most likely class ${best} (p = ${formatNumber(p[best])}); probabilities sum to ${formatNumber(p.reduce((a, b) => a + b, 0))}`);
  console.log(`\nlatency (median of ${runs} runs after 1 warm-up):`);
  console.log(latencyTable(results));
  return results.some((r) => r.mismatch) ? 1 : 0;
}
