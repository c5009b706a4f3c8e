/**
 * Test helpers: one-node models run on 'cpu' and on the reference backend 'cpu-ref' (the oracle), compared
 * elementwise, with a check that the node really took this backend's WebAssembly path.
 */
import * as assert from 'uvu/assert';
import { GraphBuilder, InferenceSession, Tensor, buildModel, type BuilderAttr, type Value } from '@onnx-ts/core';
import { seededUniform } from '@onnx-ts/backend-cpu-ref';
import { acceleratedCounts, configure } from '../src/index.js';

/** Deterministic pseudo-random floats in [-1, 1). */
export function randomFloats(count: number, seed: number): Float32Array {
  const next = seededUniform(seed);
  return Float32Array.from({ length: count }, () => next() * 2 - 1);
}

export function randomTensor(dims: number[], seed: number): Tensor<'float32'> {
  return new Tensor('float32', randomFloats(dims.reduce((a, b) => a * b, 1), seed), dims);
}

export interface OpCase {
  op: string;
  /** Inputs fed at run time. */
  inputs?: Record<string, Tensor>;
  /** Inputs stored as initializers (weights: this backend packs them once). */
  constants?: Record<string, Tensor>;
  /** Input names in node order ('' for an omitted optional input). */
  order: string[];
  attrs?: Record<string, BuilderAttr>;
  opset?: number;
  outputs?: number;
}

async function session(c: OpCase, backend: string): Promise<InferenceSession> {
  const g = new GraphBuilder(c.op);
  for (const [name, t] of Object.entries(c.inputs ?? {})) g.input(name, t.type, [...t.dims]);
  for (const [name, t] of Object.entries(c.constants ?? {})) g.initializer(name, t);
  const outs = g.node(c.op, c.order, c.attrs ?? {}, { outputs: c.outputs ?? 1 });
  for (const o of outs) g.output(o);
  return InferenceSession.create(buildModel(g.build(), { '': c.opset ?? 17 }), { executionProviders: [backend] });
}

/** Runs the case on both backends (`runs` times on 'cpu', every run compared) and returns the 'cpu' outputs. */
export async function compareWithReference(c: OpCase, { threads = 1, runs = 3, rtol = 1e-4, atol = 1e-5, accelerated = true } = {}): Promise<Value[]> {
  await configure({ threads });
  const ref = await session(c, 'cpu-ref');
  const expected = Object.values(await ref.run(c.inputs ?? {}));
  const mine = await session(c, 'cpu');
  let got: Value[] = [];
  for (let r = 0; r < runs; r++) {
    const before = acceleratedCounts().get(c.op) ?? 0;
    got = Object.values(await mine.run(c.inputs ?? {}));
    const fast = (acceleratedCounts().get(c.op) ?? 0) > before;
    assert.is(fast, accelerated, `${c.op}: ${accelerated ? 'expected' : 'did not expect'} the WebAssembly path`);
    expected.forEach((e, i) => assertClose(got[i], e, rtol, atol, `${c.op} run ${r} output ${i}`));
  }
  await Promise.all([ref.release(), mine.release()]);
  return got;
}

export function assertClose(got: Value, expected: Value, rtol: number, atol: number, what: string): void {
  assert.ok(got instanceof Tensor && expected instanceof Tensor, `${what}: both outputs are tensors`);
  const g = got as Tensor;
  const e = expected as Tensor;
  assert.is(g.type, e.type, `${what}: type`);
  assert.equal([...g.dims], [...e.dims], `${what}: dims`);
  const gd = g.data as ArrayLike<number | bigint>;
  const ed = e.data as ArrayLike<number | bigint>;
  for (let i = 0; i < ed.length; i++) {
    const a = Number(gd[i]);
    const b = Number(ed[i]);
    if (a === b || (Number.isNaN(b) && Number.isNaN(a))) continue;
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
      assert.unreachable(`${what}: element ${i} is ${a}, reference ${b} (dims [${e.dims.join(', ')}])`);
    }
  }
}
