/** Runs one ai.onnx.ml node through a real session on cpu-ref, with the model's ai.onnx.ml opset as given. */
import { GraphBuilder, InferenceSession, Tensor, buildModel, type BuilderAttr, type TypeInfo, type Value } from '@onnx-ts/core';
import * as assert from 'uvu/assert';
import '../src/index.js';

function typeOf(v: Value): TypeInfo | undefined {
  if (v instanceof Tensor) return { kind: 'tensor', elemType: v.type };
  if (v instanceof Map) return { kind: 'map', keyType: typeof v.keys().next().value === 'string' ? 'string' : 'int64', value: undefined };
  if (Array.isArray(v)) return { kind: 'sequence', elem: undefined };
  return undefined;
}

export async function runMl(
  op: string, inputs: Value[], attrs: Record<string, BuilderAttr>, options: { opset?: number; outputs?: number } = {},
): Promise<Value[]> {
  const g = new GraphBuilder('ml');
  const names = inputs.map((v, i) => g.input(`in${i}`, typeOf(v) ?? 'float32'));
  const outputs = g.node(op, names, attrs, { outputs: options.outputs ?? 1, domain: 'ai.onnx.ml' });
  outputs.forEach((name) => g.output(name));
  const model = buildModel(g.build(), { 'ai.onnx': 21, 'ai.onnx.ml': options.opset ?? 5 });
  const session = await InferenceSession.create(model, { executionProviders: ['cpu-ref'], graphOptimizationLevel: 'disabled' });
  const result = await session.run(Object.fromEntries(inputs.map((v, i) => [`in${i}`, v])));
  return outputs.map((name) => result[name]);
}

/** A tensor output as plain dims, element type and values. */
export function scores(v: Value | Value[]): { dims: number[]; type: string; data: unknown[] } {
  const t = Array.isArray(v) ? v[0] : v;
  if (!(t instanceof Tensor)) throw new Error('expected a tensor output');
  return { dims: [...t.dims], type: t.type, data: Array.from(t.data as ArrayLike<unknown>) };
}

/** Element-wise comparison within float32 rounding. */
export function close(got: unknown[], expected: number[], tolerance = 1e-6): void {
  assert.is(got.length, expected.length, `length ${got.length} vs ${expected.length}`);
  expected.forEach((e, i) => {
    const g = got[i] as number;
    if (!(Math.abs(g - e) <= tolerance * Math.max(1, Math.abs(e)))) assert.unreachable(`element ${i}: got ${g}, expected ${e}`);
  });
}
