import { readFileSync } from 'node:fs';
import { InferenceSession, Tensor, decodeModel } from '@onnx-ts/core';
import '@onnx-ts/backend-cpu-ref';
const name = process.argv[2];
const bytes = new Uint8Array(readFileSync(`${process.env.LIGHT ?? '/work/shared/onnx-backend-test-data/light'}/light_${name}.onnx`));
const model = decodeModel(bytes);
const s = await InferenceSession.create(model, { executionProviders: ['cpu-ref'], enableProfiling: true });
const feeds: Record<string, Tensor> = {};
for (const info of model.graph.inputs) {
  if (model.graph.initializers?.some?.((t: any) => t.name === info.name)) continue;
}
const meta = (s as any).inputMetadata ?? [];
for (const m of meta) {
  const dims = (m.shape ?? []).map((d: any) => (typeof d === 'number' ? d : 1));
  const n = dims.reduce((a: number, b: number) => a * b, 1);
  feeds[m.name] = new Tensor('float32', Float32Array.from({ length: n }, (_, i) => i / n), dims);
}
const t0 = performance.now();
const u0 = process.cpuUsage();
await s.run(feeds);
const u = process.cpuUsage(u0);
console.log(name, 'wall', (performance.now() - t0).toFixed(0), 'ms, cpu', ((u.user + u.system) / 1000).toFixed(0), 'ms');
const ev = (s as any).endProfiling() as { opType: string; durationMs: number }[];
const by = new Map<string, number>();
for (const e of ev) by.set(e.opType, (by.get(e.opType) ?? 0) + e.durationMs);
console.log([...by].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '));
