/** Test helpers: seeded random data, one-node models run on 'arm' and on the reference backend, comparisons. */
import { GraphBuilder, InferenceSession, Tensor, buildModel, type BuilderAttr, type DType, type Model } from '@onnx-ts/core';
import { seededUniform } from '@onnx-ts/backend-cpu-ref';
import { configure, kernelInfo } from '../src/index.js';

/** A small seeded generator so that every failure reproduces. */
export const rng = seededUniform;

export function randomInt(next: () => number, lo: number, hi: number): number {
  return lo + Math.floor(next() * (hi - lo + 1));
}

/** Random 8-bit data of a type over its whole range. */
export function randomBytes(next: () => number, type: 'int8' | 'uint8', dims: number[]): Tensor {
  const size = dims.reduce((p, d) => p * d, 1);
  const data = type === 'int8'
    ? Int8Array.from({ length: size }, () => randomInt(next, -128, 127))
    : Uint8Array.from({ length: size }, () => randomInt(next, 0, 255));
  return new Tensor(type, data, dims);
}

export function randomFloats(next: () => number, dims: number[], lo = -1, hi = 1): Tensor {
  const size = dims.reduce((p, d) => p * d, 1);
  return new Tensor('float32', Float32Array.from({ length: size }, () => lo + (hi - lo) * next()), dims);
}

export function scalar(type: DType, value: number): Tensor {
  return new Tensor(type, [value], []);
}

export interface NodeCase {
  op: string;
  /** Inputs by position; undefined leaves an optional input out. Weights may be marked as initializers. */
  inputs: (Tensor | undefined)[];
  /** Which inputs are initializers (constant weights) rather than graph inputs. */
  constants?: number[];
  attrs?: Record<string, BuilderAttr>;
  outputs?: number;
  opset?: number;
}

export function nodeModel(c: NodeCase): { model: Model; feeds: Record<string, Tensor>; outputs: string[] } {
  const g = new GraphBuilder('case');
  const feeds: Record<string, Tensor> = {};
  const names = c.inputs.map((t, i) => {
    if (!t) return '';
    const name = `in${i}`;
    if (c.constants?.includes(i)) g.initializer(name, t);
    else {
      g.input(name, t.type, [...t.dims]);
      feeds[name] = t;
    }
    return name;
  });
  const outputs = g.node(c.op, names, c.attrs ?? {}, { outputs: c.outputs ?? 1 });
  for (const o of outputs) g.output(o);
  return { model: buildModel(g.build(), { 'ai.onnx': c.opset ?? 21 }), feeds, outputs };
}

/**
 * Runs a model on a backend; returns its outputs in order and the backend each node ran on. Graph optimization is
 * off, so that the nodes under test run as built whether or not a test file imported the optimizer.
 */
export async function runOn(model: Model, feeds: Record<string, Tensor>, backend: string, runs = 1): Promise<{ outputs: Tensor[]; placement: string[] }> {
  const session = await InferenceSession.create(model, { executionProviders: [backend], graphOptimizationLevel: 'disabled' });
  let out: Record<string, unknown> = {};
  for (let r = 0; r < runs; r++) out = await session.run(feeds);
  const outputs = session.outputNames.map((n) => out[n] as Tensor);
  return { outputs, placement: session.placement.map((p) => p.backend) };
}

/** Runs one node on 'arm' and on 'cpu-ref'. `runs` > 1 runs 'arm' again to exercise its packed-weight cache. */
export async function armAndReference(c: NodeCase, runs = 2): Promise<{ arm: Tensor[]; ref: Tensor[] }> {
  const { model, feeds } = nodeModel(c);
  const arm = await runOn(model, feeds, 'arm', runs);
  const ref = await runOn(model, feeds, 'cpu-ref');
  return { arm: arm.outputs, ref: ref.outputs };
}

/** Index of the first element that differs by more than `tolerance`, or -1. */
export function firstDifference(a: Tensor, b: Tensor, tolerance = 0, relative = 0): number {
  const x = a.data as ArrayLike<number>;
  const y = b.data as ArrayLike<number>;
  for (let i = 0; i < x.length; i++) {
    const same = Number.isNaN(x[i]) ? Number.isNaN(y[i]) : Math.abs(x[i] - y[i]) <= tolerance + relative * Math.abs(y[i]);
    if (!same) return i;
  }
  return -1;
}

/** Throws a descriptive Error unless the tensors have the same type, dims and values within the tolerance. */
export function expectClose(got: Tensor, want: Tensor, what: string, tolerance = 0, relative = 0): void {
  if (got.type !== want.type) throw new Error(`${what}: type ${got.type}, expected ${want.type}`);
  if (got.dims.join() !== want.dims.join()) throw new Error(`${what}: dims [${got.dims}], expected [${want.dims}]`);
  const i = firstDifference(got, want, tolerance, relative);
  if (i >= 0) {
    const g = (got.data as ArrayLike<number>)[i];
    const w = (want.data as ArrayLike<number>)[i];
    throw new Error(`${what}: element ${i} is ${g}, expected ${w} (tolerance ${tolerance} + ${relative}·|expected|)`);
  }
}

/**
 * The WebAssembly builds this engine can run: the SIMD build always, the relaxed-SIMD (SDOT) build where the engine
 * supports it and computes it correctly (Node 22+, Node 20 with --experimental-wasm-relaxed-simd) — tested even
 * where 'auto' prefers the SIMD build.
 */
export function buildsToTest(): ('simd' | 'relaxed-simd')[] {
  const builds: ('simd' | 'relaxed-simd')[] = ['simd'];
  try {
    configure({ relaxedSimd: true });
    kernelInfo();
    builds.push('relaxed-simd');
  } catch {
    // Not supported, or it failed the self-test: only the SIMD build runs here.
  } finally {
    configure({ relaxedSimd: 'auto' });
  }
  return builds;
}

/** Runs `body` once per build of `buildsToTest()`, then goes back to the automatic choice. */
export async function forEachBuild(body: (build: string) => Promise<void>): Promise<void> {
  try {
    for (const build of buildsToTest()) {
      configure({ relaxedSimd: build === 'relaxed-simd' });
      await body(build);
    }
  } finally {
    configure({ relaxedSimd: 'auto' });
  }
}
