/** Shared test fixtures: seeded random models built with GraphBuilder, and running models in onnx-ts and onnxruntime. */
import { createRequire } from 'node:module';
import { GraphBuilder, InferenceSession, Tensor, buildModel, saveModel, type Model, type Value } from '@onnx-ts/core';
import '@onnx-ts/backend-cpu-ref';
import { checkModel, seededUniform } from '../src/index.js';

const ort = createRequire(import.meta.url)('onnxruntime-node');

/** Seeded values roughly normal (sum of uniforms), scaled. */
export function randomFloats(n: number, seed: number, scale = 1): Float32Array {
  const r = seededUniform(seed);
  return Float32Array.from({ length: n }, () => (r() + r() + r() - 1.5) * 2 * scale);
}

export function randomTensor(dims: number[], seed: number, scale = 1): Tensor {
  return new Tensor('float32', randomFloats(dims.reduce((a, b) => a * b, 1), seed, scale), dims);
}

export function positiveTensor(dims: number[], seed: number, lo = 0.5, hi = 1.5): Tensor {
  const r = seededUniform(seed);
  return new Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => lo + (hi - lo) * r()), dims);
}

/** Runs a model on the reference backend with graph rewrites off (the unoptimized baseline). */
export async function runRef(model: Model, feeds: Record<string, Value>, options: Parameters<typeof InferenceSession.create>[1] = {}): Promise<Record<string, Tensor>> {
  const s = await InferenceSession.create(model, { executionProviders: ['cpu-ref'], graphOptimizationLevel: 'disabled', ...options });
  return (await s.run(feeds)) as Record<string, Tensor>;
}

/** Runs a model (saved to bytes) in onnxruntime-node; float tensors come back as Float32Array. */
export async function runOrt(model: Model, feeds: Record<string, Tensor>): Promise<Record<string, { data: Float32Array; dims: number[]; type: string }>> {
  // Errors only: onnxruntime warns about the unused initializers some test-data models carry.
  const session = await ort.InferenceSession.create(saveModel(model), { logSeverityLevel: 3 });
  const ortFeeds: Record<string, unknown> = {};
  for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor(t.type, t.data, t.dims);
  const out = await session.run(ortFeeds);
  const result: Record<string, { data: Float32Array; dims: number[]; type: string }> = {};
  for (const [k, v] of Object.entries(out) as [string, { data: Float32Array; dims: number[]; type: string }][]) result[k] = { data: v.data, dims: [...v.dims], type: v.type };
  return result;
}

/** Largest |a-b| / max(|b|, floor) over two float arrays. */
export function maxRelativeDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  return worst;
}

/** Throws with the checker's errors when the model is invalid. */
export function assertChecked(model: Model, allowCustom = false): void {
  const r = checkModel(model, { allowCustom });
  if (!r.ok) throw new Error(`checker: ${r.errors.join('; ')}`);
}

export function opCounts(model: Model): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of model.graph.nodes) out[n.opType] = (out[n.opType] ?? 0) + 1;
  return out;
}

/**
 * A small CNN with seeded random weights: Conv(3→8, 3×3) + BatchNormalization + Relu, Conv(8→16, 3×3, bias) + Relu,
 * GlobalAveragePool, Flatten, Gemm(16→10, transB). Input [1, 3, 16, 16].
 */
export function smallCnn(opset = 13): Model {
  const g = new GraphBuilder('cnn');
  g.input('x', 'float32', [1, 3, 16, 16]);
  g.initializer('w1', randomTensor([8, 3, 3, 3], 1, 0.3));
  g.initializer('bn_scale', positiveTensor([8], 2));
  g.initializer('bn_bias', randomTensor([8], 3, 0.1));
  g.initializer('bn_mean', randomTensor([8], 4, 0.1));
  g.initializer('bn_var', positiveTensor([8], 5));
  g.initializer('w2', randomTensor([16, 8, 3, 3], 6, 0.2));
  g.initializer('b2', randomTensor([16], 7, 0.1));
  g.initializer('fc_w', randomTensor([10, 16], 8, 0.3));
  g.initializer('fc_b', randomTensor([10], 9, 0.1));
  const c1 = g.op('Conv', ['x', 'w1'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] });
  const bn = g.op('BatchNormalization', [c1, 'bn_scale', 'bn_bias', 'bn_mean', 'bn_var']);
  const r1 = g.op('Relu', [bn]);
  const c2 = g.op('Conv', [r1, 'w2', 'b2'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] });
  const r2 = g.op('Relu', [c2]);
  const gap = g.op('GlobalAveragePool', [r2]);
  const flat = g.op('Flatten', [gap]);
  g.node('Gemm', [flat, 'fc_w', 'fc_b'], { transB: 1 }, { outputs: ['y'] });
  g.output('y', 'float32', [1, 10]);
  return buildModel(g.build(), { 'ai.onnx': opset });
}

/** A two-layer MLP: MatMul(64→128) + Add + Relu, MatMul(128→32) + Add. Input [4, 64]. */
export function smallMlp(opset = 13, inner = 128): Model {
  const g = new GraphBuilder('mlp');
  g.input('x', 'float32', [4, 64]);
  g.initializer('w1', randomTensor([64, inner], 11, 0.2));
  g.initializer('b1', randomTensor([inner], 12, 0.1));
  g.initializer('w2', randomTensor([inner, 32], 13, 0.2));
  g.initializer('b2', randomTensor([32], 14, 0.1));
  const h = g.op('Relu', [g.op('Add', [g.op('MatMul', ['x', 'w1']), 'b1'])]);
  g.node('Add', [g.op('MatMul', [h, 'w2']), 'b2'], {}, { outputs: ['y'] });
  g.output('y', 'float32', [4, 32]);
  return buildModel(g.build(), { 'ai.onnx': opset });
}

export function cnnInput(seed = 21): Record<string, Tensor> {
  return { x: randomTensor([1, 3, 16, 16], seed) };
}

export function mlpInput(seed = 22): Record<string, Tensor> {
  return { x: randomTensor([4, 64], seed) };
}
