/**
 * Test harness: runs one node through a session on the gpu backend and on cpu-ref (the oracle), and compares every
 * output with the conformance rule (|got - exp| <= atol + rtol·|exp|, NaN equals NaN, type and dims exact). Every
 * tensor input is a graph input, so it reaches the GPU through the backend's upload like real feeds do.
 */
import * as assert from 'uvu/assert';
import {
  GraphBuilder, InferenceSession, Tensor, buildModel, float16ToNumber, numberToFloat16, type BuilderAttr, type DType, type Value,
} from '@onnx-ts/core';
import '@onnx-ts/backend-cpu-ref';
import { seededUniform } from '@onnx-ts/optimizer';
import { delegationCounts, gpuContext } from '../src/index.js';
import type { GpuContext } from '../src/context.js';

export interface NodeCase {
  op: string;
  /** undefined for an omitted optional input. */
  inputs: (Tensor | undefined)[];
  attrs?: Record<string, BuilderAttr>;
  opset?: number;
  outputs?: number;
  domain?: string;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

export const DEFAULT_TOL: Tolerance = { rtol: 1e-3, atol: 1e-5 };

function modelOf(c: NodeCase) {
  const g = new GraphBuilder('case');
  const names = c.inputs.map((t, i) => (t ? g.input(`in${i}`, t.type, [...t.dims]) : ''));
  const outs = g.node(c.op, names, c.attrs ?? {}, { outputs: c.outputs ?? 1, domain: c.domain });
  for (const o of outs) g.output(o);
  const opsets: Record<string, number> = { 'ai.onnx': c.opset ?? 21 };
  if (c.domain) opsets[c.domain] = 1;
  return { model: buildModel(g.build(), opsets), feeds: Object.fromEntries(c.inputs.flatMap((t, i) => (t ? [[`in${i}`, t]] : []))) };
}

/** Runs the node on one backend; returns its outputs in order and where the session placed it. */
export async function runNode(backend: 'gpu' | 'cpu-ref', c: NodeCase): Promise<{ outputs: Value[]; backend: string }> {
  const { model, feeds } = modelOf(c);
  // The fused com.onnx-ts ops have their reference kernels in the optimizer's backend (registered by the test).
  const providers = backend === 'cpu-ref' && c.domain === 'com.onnx-ts' ? ['onnx-ts-fused', 'cpu-ref'] : [backend];
  const session = await InferenceSession.create(model, { executionProviders: providers });
  const out = await session.run(feeds);
  await session.release();
  return { outputs: session.outputNames.map((n) => out[n]), backend: session.placement[0].backend };
}

function delegatedTotal(): number {
  let n = 0;
  for (const v of delegationCounts().values()) n += v;
  return n;
}

function numbers(t: Tensor): number[] {
  if (t.type === 'float16') return Array.from(t.data as Uint16Array, float16ToNumber);
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

/** Compares two values by the conformance rule; returns a message naming the first difference. */
export function difference(got: Value, exp: Value, tol: Tolerance): string | undefined {
  if (!(got instanceof Tensor) || !(exp instanceof Tensor)) return got === exp ? undefined : 'not both tensors';
  if (got.location !== 'cpu') return `output is on '${got.location}', not the CPU`;
  if (got.type !== exp.type) return `type ${got.type} vs ${exp.type}`;
  if (got.dims.join() !== exp.dims.join()) return `dims [${got.dims}] vs [${exp.dims}]`;
  const a = numbers(got);
  const b = numbers(exp);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    if (a[i] === b[i]) continue;
    if (!(Math.abs(a[i] - b[i]) <= tol.atol + tol.rtol * Math.abs(b[i]))) return `element ${i}: ${a[i]} vs ${b[i]}`;
  }
  return undefined;
}

/**
 * Runs the node on the gpu backend and on cpu-ref and asserts equal outputs. Unless `allowFallback`, also asserts
 * the GPU kernel ran it (the session placed it on 'gpu' and it was not handed to cpu-ref).
 */
export async function matchesReference(c: NodeCase, options: { tol?: Tolerance; allowFallback?: boolean } = {}): Promise<void> {
  const before = delegatedTotal();
  const gpu = await runNode('gpu', c);
  const delegated = delegatedTotal() > before;
  const ref = await runNode('cpu-ref', c);
  const attrs = JSON.stringify(c.attrs ?? {}, (_k, v: unknown) => (v instanceof Tensor ? `${v.type}[${v.dims}]` : v));
  const where = `${c.op} on [${c.inputs.map((t) => (t ? `${t.type}[${t.dims}]` : '-')).join(', ')}] ${attrs}`;
  if (!options.allowFallback) {
    assert.is(gpu.backend, 'gpu', `${where}: placed on ${gpu.backend}`);
    assert.not.ok(delegated, `${where}: the GPU kernel handed the node to cpu-ref`);
  }
  assert.is(gpu.outputs.length, ref.outputs.length);
  gpu.outputs.forEach((v, i) => {
    const diff = difference(v, ref.outputs[i], options.tol ?? DEFAULT_TOL);
    assert.not.ok(diff, `${where}: output ${i}: ${diff}`);
  });
}

/** Asserts the node fails on the gpu backend with an Error matching `pattern`. */
export async function rejects(c: NodeCase, pattern: RegExp): Promise<void> {
  try {
    await runNode('gpu', c);
  } catch (e) {
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`${c.op} should have failed with ${pattern}`);
}

/** A seeded generator, so failures reproduce. */
export const random = seededUniform;

/** A tensor of `type` with values from `next` (floats in [lo, hi), integers rounded). */
export function randomTensor(type: DType, dims: readonly number[], next: () => number, lo = -2, hi = 2): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => lo + (hi - lo) * next());
  switch (type) {
    case 'float32': return new Tensor('float32', Float32Array.from(values), dims);
    case 'float16': return new Tensor('float16', Uint16Array.from(values, numberToFloat16), dims);
    case 'bool': return new Tensor('bool', Uint8Array.from(values, (v) => (v > (lo + hi) / 2 ? 1 : 0)), dims);
    case 'int64': return new Tensor('int64', BigInt64Array.from(values, (v) => BigInt(Math.round(v))), dims);
    default: return new Tensor(type, values.map(Math.round) as never, dims);
  }
}

export const f32 = (values: number[], dims: number[] = [values.length]): Tensor => new Tensor('float32', Float32Array.from(values), dims);
export const i64 = (values: number[], dims: number[] = [values.length]): Tensor => new Tensor('int64', BigInt64Array.from(values, BigInt), dims);

/** Runs `body` with the GEMM-shaped kernels in one form, then restores the adapter's choice. */
export async function withGemmForm(registers: boolean, body: () => Promise<void>): Promise<void> {
  const gpu: GpuContext = await gpuContext();
  const saved = gpu.tuning.registerGemm;
  gpu.tuning.registerGemm = registers;
  try {
    await body();
  } finally {
    gpu.tuning.registerGemm = saved;
  }
}
