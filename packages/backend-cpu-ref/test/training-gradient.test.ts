// Gradient (ai.onnx.preview.training) against central finite differences of the same graph run forward by a session,
// and against derivatives worked out by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  GraphBuilder, InferenceSession, Tensor, buildModel, shapeSize, type BuilderAttr, type DType, type Value,
} from '@onnx-ts/core';
import { Random } from '../src/ops/sequence/random/prng.js';
import { bool, f32, i64, rejects } from './tensor-harness.js';
import '../src/index.js';

const TRAINING = 'ai.onnx.preview.training';

/** A seeded uniform generator in [-1, 1), so that failures reproduce. */
function generator(seed: number): () => number {
  const random = new Random(seed);
  return () => random.uniform() * 2 - 1;
}

const f64 = (values: ArrayLike<number>, dims: number[]): Tensor => new Tensor('float64', Float64Array.from(values), dims);
const randomTensor = (rand: () => number, dims: number[]): Tensor => f64(Array.from({ length: shapeSize(dims) }, rand), dims);

interface Case {
  /** Differentiated inputs and non-differentiated inputs, by name, with their dims. */
  xs: Record<string, number[]>;
  zs?: Record<string, number[]>;
  /** Adds the forward nodes reading the inputs by name; returns the name of y. */
  build: (g: GraphBuilder) => string;
  opset?: number;
}

async function session(graph: ReturnType<GraphBuilder['build']>, opset: number): Promise<InferenceSession> {
  return InferenceSession.create(buildModel(graph, { 'ai.onnx': opset, [TRAINING]: 1 }), {
    executionProviders: ['cpu-ref'], graphOptimizationLevel: 'disabled',
  });
}

function declareInputs(g: GraphBuilder, c: Case, type: DType): void {
  for (const [name, dims] of Object.entries({ ...c.xs, ...c.zs })) g.input(name, type, dims);
}

/** The graph with a Gradient node after it; outputs y then d_<x> for each x. */
async function gradientOf(c: Case, feeds: Record<string, Tensor>, type: DType = 'float64'): Promise<Record<string, Value>> {
  const g = new GraphBuilder();
  declareInputs(g, c, type);
  const y = c.build(g);
  const xs = Object.keys(c.xs);
  const zs = Object.keys(c.zs ?? {});
  const attrs: Record<string, BuilderAttr> = { xs, y, ...(zs.length ? { zs } : {}) };
  g.node('Gradient', [...xs, ...zs], attrs, { domain: TRAINING, outputs: xs.map((x) => `d_${x}`) });
  g.output(y);
  xs.forEach((x) => g.output(`d_${x}`));
  return (await session(g.build(), c.opset ?? 21)).run(feeds);
}

/** d(sum of y)/dx by central differences, each element of each x moved by ±h in a forward-only session. */
async function finiteDifferences(c: Case, feeds: Record<string, Tensor>): Promise<Record<string, Float64Array>> {
  const g = new GraphBuilder();
  declareInputs(g, c, 'float64');
  const y = c.build(g);
  g.output(y);
  const forward = await session(g.build(), c.opset ?? 21);
  const total = async (moved: Record<string, Tensor>): Promise<number> => {
    const out = (await forward.run(moved))[y] as Tensor;
    return Array.from(out.data as Float64Array).reduce((a, b) => a + b, 0);
  };
  const h = 1e-5;
  const result: Record<string, Float64Array> = {};
  for (const x of Object.keys(c.xs)) {
    const base = feeds[x].data as Float64Array;
    result[x] = new Float64Array(base.length);
    for (let i = 0; i < base.length; i++) {
      const at = async (delta: number) => {
        const values = Float64Array.from(base);
        values[i] += delta;
        return total({ ...feeds, [x]: f64(values, [...feeds[x].dims]) });
      };
      result[x][i] = ((await at(h)) - (await at(-h))) / (2 * h);
    }
  }
  return result;
}

/** Checks every gradient of a case at random float64 inputs against finite differences. */
async function checkCase(c: Case, seed: number): Promise<void> {
  const rand = generator(seed);
  const feeds = Object.fromEntries(Object.entries({ ...c.xs, ...c.zs }).map(([name, dims]) => [name, randomTensor(rand, dims)]));
  const got = await gradientOf(c, feeds);
  const expected = await finiteDifferences(c, feeds);
  for (const x of Object.keys(c.xs)) {
    const grad = got[`d_${x}`] as Tensor;
    assert.is(grad.type, 'float64', `d_${x} type`);
    assert.equal([...grad.dims], c.xs[x], `d_${x} dims`);
    const analytic = grad.data as Float64Array;
    expected[x].forEach((fd, i) => {
      const ok = Math.abs(analytic[i] - fd) <= 1e-6 * (1 + Math.abs(fd));
      assert.ok(ok, `seed ${seed}: d_${x}[${i}] = ${analytic[i]}, finite differences give ${fd}`);
    });
  }
}

const constant = (g: GraphBuilder, name: string, values: number[], dims: number[] = [values.length]): string =>
  g.initializer(name, f64(values, dims));
const int64Constant = (g: GraphBuilder, name: string, values: number[]): string => g.initializer(name, i64(values));

// ---- the two suite tests, worked out by hand ----

test('the suite models: d(a+b)/da = d(a+b)/db = 1; d((a+b)·a)/da = 2a + b = 4 and /db = a = 1 at a=1, b=2', async () => {
  const add: Case = { xs: { a: [], b: [] }, build: (g) => g.op('Add', ['a', 'b']) };
  const feeds = { a: f64([1], []), b: f64([2], []) };
  const sum = await gradientOf(add, feeds);
  assert.equal([sum.d_a, sum.d_b].map((t) => Array.from((t as Tensor).data as Float64Array)), [[1], [1]]);
  const addMul: Case = { xs: { a: [], b: [] }, build: (g) => g.op('Mul', [g.op('Add', ['a', 'b']), 'a']) };
  const product = await gradientOf(addMul, feeds);
  assert.equal([product.d_a, product.d_b].map((t) => Array.from((t as Tensor).data as Float64Array)), [[4], [1]]);
});

// ---- each rule against finite differences ----

const cases: Record<string, Case> = {
  'Add, Sub, Mul, Div with broadcasting (scalar, row, column)': {
    xs: { a: [2, 3], b: [3], c: [2, 1], s: [] },
    build: (g) => {
      const q = g.op('Div', [g.op('Mul', ['a', 'b']), g.op('Exp', ['c'])]);
      return g.op('Sub', [g.op('Add', [q, 's']), g.op('Mul', ['c', 's'])]);
    },
  },
  'Pow with a tensor exponent and with a constant one': {
    xs: { a: [2, 2], b: [2] },
    build: (g) => g.op('Add', [g.op('Pow', [g.op('Exp', ['a']), 'b']), g.op('Pow', ['a', constant(g, 'three', [3], [])])]),
  },
  'Neg, Relu, Sigmoid, Tanh, Exp, Log, Sqrt, Identity': {
    xs: { x: [7] },
    build: (g) => {
      const p = g.op('Sigmoid', [g.op('Neg', ['x'])]);
      const parts = [g.op('Relu', ['x']), g.op('Tanh', ['x']), g.op('Log', [p]), g.op('Sqrt', [p]), g.op('Exp', [g.op('Identity', ['x'])])];
      return g.op('Sum', parts);
    },
  },
  'Sum of broadcast operands': { xs: { a: [2, 3], b: [3], c: [] }, build: (g) => g.op('Sum', ['a', 'b', 'c', 'a']) },
  'MatMul, 2-D': { xs: { a: [3, 4], b: [4, 2] }, build: (g) => g.op('Tanh', [g.op('MatMul', ['a', 'b'])]) },
  'MatMul, batched with broadcast batch dims': {
    xs: { a: [2, 1, 3, 4], b: [3, 4, 2] },
    build: (g) => g.op('Sigmoid', [g.op('MatMul', ['a', 'b'])]),
  },
  'MatMul, 1-D operands': {
    xs: { v: [4], m: [2, 4, 3], w: [3] },
    build: (g) => g.op('Tanh', [g.op('MatMul', [g.op('MatMul', ['v', 'm']), 'w'])]),
  },
  'Gemm with alpha, beta and a row C': {
    xs: { a: [3, 4], b: [4, 2], c: [2] },
    build: (g) => g.op('Tanh', [g.op('Gemm', ['a', 'b', 'c'], { alpha: 0.5, beta: 2 })]),
  },
  'Gemm with transA, transB and a scalar C': {
    xs: { a: [4, 3], b: [2, 4], c: [] },
    build: (g) => g.op('Sigmoid', [g.op('Gemm', ['a', 'b', 'c'], { transA: 1, transB: 1, alpha: 1.5 })]),
  },
  'Gemm without C': { xs: { a: [2, 3], b: [2, 3] }, build: (g) => g.op('Tanh', [g.op('Gemm', ['a', 'b'], { transB: 1 })]) },
  'ReduceSum and ReduceMean, axes as inputs (opset 18), kept and dropped dims': {
    xs: { x: [2, 3, 2] },
    opset: 18,
    build: (g) => {
      const kept = g.op('ReduceSum', ['x', int64Constant(g, 'axes1', [1])]);
      const dropped = g.op('ReduceMean', [g.op('Tanh', ['x']), int64Constant(g, 'axes02', [0, -1])], { keepdims: 0 });
      const squaredSum = (t: string) => g.op('ReduceSum', [g.op('Mul', [t, t])], { keepdims: 0 });
      return g.op('Add', [squaredSum(kept), squaredSum(dropped)]);
    },
  },
  'ReduceSum and ReduceMean, axes as attributes (opset 11), all axes': {
    xs: { x: [3, 2] },
    opset: 11,
    build: (g) => {
      const rows = g.op('ReduceSum', [g.op('Tanh', ['x'])], { axes: [1], keepdims: 0 });
      const all = g.op('ReduceMean', ['x']);
      return g.op('Mul', [g.op('Mul', [rows, rows]), all]);
    },
  },
  'ReduceSum with noop_with_empty_axes is the identity': {
    xs: { x: [2, 2] },
    build: (g) => g.op('Tanh', [g.op('ReduceSum', ['x'], { noop_with_empty_axes: 1 })]),
  },
  'Softmax and LogSoftmax over the last axis of a rank-3 input': {
    xs: { x: [2, 2, 3] },
    zs: { w: [2, 2, 3] },
    build: (g) => g.op('Add', [g.op('Mul', [g.op('Softmax', ['x'], { axis: -1 }), 'w']), g.op('Mul', [g.op('LogSoftmax', ['x'], { axis: 2 }), 'w'])]),
  },
  'Softmax of a rank-2 input at opset 11 (default axis 1)': {
    xs: { x: [2, 4] },
    zs: { w: [2, 4] },
    opset: 11,
    build: (g) => g.op('Mul', [g.op('Softmax', ['x']), 'w']),
  },
  'Reshape, Transpose, Unsqueeze, Squeeze, Flatten, Expand (opset 13)': {
    xs: { x: [2, 3], r: [3, 1] },
    opset: 13,
    build: (g) => {
      const t = g.op('Transpose', [g.op('Reshape', ['x', int64Constant(g, 'shape', [3, 2])])], { perm: [1, 0] });
      const u = g.op('Unsqueeze', [t, int64Constant(g, 'ax0', [0])]);
      const s = g.op('Squeeze', [g.op('Transpose', [u]), int64Constant(g, 'ax2', [2])]);
      const e = g.op('Expand', ['r', int64Constant(g, 'to', [3, 2])]);
      return g.op('Tanh', [g.op('Mul', [g.op('Flatten', [s], { axis: 0 }), g.op('Reshape', [e, int64Constant(g, 'flat', [1, 6])])])]);
    },
  },
  'Squeeze and Unsqueeze with axes attributes (opset 11)': {
    xs: { x: [3, 1] },
    opset: 11,
    build: (g) => g.op('Sigmoid', [g.op('Unsqueeze', [g.op('Squeeze', ['x'], { axes: [1] })], { axes: [0, 2] })]),
  },
  'a two-layer perceptron with a log-softmax loss, zs as the data and the targets': {
    xs: { w1: [3, 4], b1: [4], w2: [4, 2], b2: [2] },
    zs: { data: [5, 3], target: [5, 2] },
    build: (g) => {
      const hidden = g.op('Relu', [g.op('Gemm', ['data', 'w1', 'b1'])]);
      const logits = g.op('Add', [g.op('MatMul', [hidden, 'w2']), 'b2']);
      const loss = g.op('Neg', [g.op('Mul', [g.op('LogSoftmax', [logits]), 'target'])]);
      return g.op('ReduceMean', [loss], { keepdims: 0 });
    },
  },
};

for (const [name, c] of Object.entries(cases)) test(name, () => checkCase(c, name.length));

// ---- random graphs ----

/**
 * A random graph of elementwise and broadcasting ops over the inputs, every op kept in its smooth, defined domain.
 * The choices come from the seed, so that building the graph again (for the forward-only session) gives the same one.
 */
function randomCase(seed: number): Case {
  const shapes = [[2, 3], [3], [2, 1], []];
  const xs = Object.fromEntries(shapes.map((dims, i) => [`x${i}`, dims]));
  const zs: Record<string, number[]> = generator(seed)() > 0 ? { z: [2, 3] } : {};
  return {
    xs,
    zs,
    build: (g) => {
      const rand = generator(seed + 1);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(((rand() + 1) / 2) * list.length)];
      const pool = [...Object.keys(xs), ...Object.keys(zs)];
      const positive = (t: string) => g.op('Exp', [g.op('Tanh', [t])]);
      const unary: ((t: string) => string)[] = [
        (t) => g.op('Tanh', [t]), (t) => g.op('Sigmoid', [t]), (t) => g.op('Neg', [t]), (t) => g.op('Relu', [t]),
        (t) => g.op('Log', [g.op('Sigmoid', [t])]), (t) => g.op('Sqrt', [positive(t)]), (t) => positive(t),
      ];
      const binary: ((a: string, b: string) => string)[] = [
        (a, b) => g.op('Add', [a, b]), (a, b) => g.op('Sub', [a, b]), (a, b) => g.op('Mul', [a, b]),
        (a, b) => g.op('Div', [a, positive(b)]), (a, b) => g.op('Pow', [positive(a), g.op('Tanh', [b])]),
        (a, b) => g.op('Sum', [a, b, pick(pool)]),
      ];
      for (let step = 0; step < 8; step++) {
        pool.push(rand() > -0.3 ? pick(binary)(pick(pool), pick(pool)) : pick(unary)(pick(pool)));
      }
      const last = pool[pool.length - 1];
      return rand() > 0 ? g.op('ReduceSum', [last], { keepdims: 0 }) : last;
    },
  };
}

test('random graphs: every gradient matches finite differences', async () => {
  for (let seed = 1; seed <= 20; seed++) await checkCase(randomCase(seed * 7919), seed);
});

// ---- the spec's other uses ----

test('xs may name an intermediate value: the graph is evaluated at the value given for it', async () => {
  // y = Σ tanh(h)·z with h = w·2, differentiated at a given h: dy/dh = (1 - tanh²h)·z, dy/dz = tanh h.
  const g = new GraphBuilder();
  g.input('w', 'float64', [2]);
  g.input('h', 'float64', [2]);
  g.input('z', 'float64', [2]);
  g.node('Mul', ['w', constant(g, 'two', [2], [])], {}, { outputs: ['hidden'] });
  const y = g.op('ReduceSum', [g.op('Mul', [g.op('Tanh', ['hidden']), 'z'])], { keepdims: 0 });
  g.node('Gradient', ['h', 'z'], { xs: ['hidden', 'z'], y }, { domain: TRAINING, outputs: ['dh', 'dz'] });
  g.output('dh');
  g.output('dz');
  const hv = [0.3, -1.2];
  const zv = [2, 0.5];
  const out = await (await session(g.build(), 21)).run({ w: f64([5, 5], [2]), h: f64(hv, [2]), z: f64(zv, [2]) });
  const near = (t: Value, expected: number[]) =>
    assert.ok(Array.from((t as Tensor).data as Float64Array).every((v, i) => Math.abs(v - expected[i]) < 1e-12), String((t as Tensor).data));
  near(out.dh, hv.map((h, i) => (1 - Math.tanh(h) ** 2) * zv[i]));
  near(out.dz, hv.map(Math.tanh));
});

test('a gradient is zero for an x y does not depend on, one for y itself; an unsupported op off the path is run, not differentiated', async () => {
  const c: Case = {
    xs: { used: [2], unused: [2] },
    zs: { z: [2] },
    build: (g) => g.op('Mul', ['used', g.op('Sin', ['z'])]),
  };
  const out = await gradientOf(c, { used: f64([1, 2], [2]), unused: f64([3, 4], [2]), z: f64([0.5, 1], [2]) });
  assert.equal(Array.from((out.d_used as Tensor).data as Float64Array), [Math.sin(0.5), Math.sin(1)]);
  assert.equal(Array.from((out.d_unused as Tensor).data as Float64Array), [0, 0]);
  const self: Case = { xs: { x: [3] }, build: (g) => g.op('Identity', ['x']) };
  const g = new GraphBuilder();
  declareInputs(g, self, 'float64');
  g.node('Gradient', ['x'], { xs: ['x'], y: 'x' }, { domain: TRAINING, outputs: ['dx'] });
  g.output('dx');
  const dx = (await (await session(g.build(), 21)).run({ x: f64([5, 6, 7], [3]) })).dx as Tensor;
  assert.equal(Array.from(dx.data as Float64Array), [1, 1, 1]);
});

test('gradients keep the type of their x: float32 and float16', async () => {
  // y = Σ x², dy/dx = 2x.
  const c: Case = { xs: { x: [3] }, build: (g) => g.op('ReduceSum', [g.op('Mul', ['x', 'x'])], { keepdims: 0 }) };
  const d32 = (await gradientOf(c, { x: f32([0.5, -1, 3]) }, 'float32')).d_x as Tensor;
  assert.is(d32.type, 'float32');
  assert.equal(Array.from(d32.data as Float32Array), [1, -2, 6]);
  const half = new Tensor('float16', Uint16Array.from([0x3800, 0xbc00, 0x4200]), [3]); // 0.5, -1, 3
  const d16 = (await gradientOf(c, { x: half }, 'float16')).d_x as Tensor;
  assert.is(d16.type, 'float16');
  assert.equal(Array.from(d16.data as Uint16Array), [0x3c00, 0xc000, 0x4600]); // 1, -2, 6
});

// ---- errors ----

async function gradientError(build: (g: GraphBuilder) => void, feeds: Record<string, Tensor>, pattern: RegExp, opset = 21): Promise<void> {
  const g = new GraphBuilder();
  for (const [name, t] of Object.entries(feeds)) g.input(name, t.type, [...t.dims]);
  build(g);
  await rejects(async () => (await session(g.build(), opset)).run(feeds), pattern);
}

test('errors: an op without a gradient rule on the path, named', async () => {
  await gradientError((g) => {
    const y = g.op('Sin', ['x']);
    g.node('Gradient', ['x'], { xs: ['x'], y }, { domain: TRAINING, outputs: ['dx'] });
    g.output('dx');
  }, { x: f64([1], [1]) }, /cannot differentiate through Sin node .* no gradient rule for Sin/);
  // Second order: y is the output of another Gradient node.
  await gradientError((g) => {
    const y = g.op('Mul', ['x', 'x']);
    g.node('Gradient', ['x'], { xs: ['x'], y }, { domain: TRAINING, outputs: ['dx'] });
    g.node('Gradient', ['x'], { xs: ['x'], y: 'dx' }, { domain: TRAINING, outputs: ['ddx'] });
    g.output('ddx');
  }, { x: f64([1], [1]) }, /no gradient rule for ai\.onnx\.preview\.training\.Gradient/);
});

test('errors: inputs that do not match xs and zs, a non-float x, y depending on an unnamed input', async () => {
  const withGradient = (inputs: string[], attrs: Record<string, BuilderAttr>) => (g: GraphBuilder) => {
    g.node('Gradient', inputs, attrs, { domain: TRAINING, outputs: ['dx'] });
    g.output('dx');
  };
  const x = f64([1, 2], [2]);
  await gradientError((g) => withGradient(['x'], { xs: ['x'], zs: ['w'], y: g.op('Mul', ['x', 'w']) })(g),
    { x, w: x }, /expects one input per name in xs then zs \(2: x, w\), got 1/);
  await gradientError((g) => withGradient(['n'], { xs: ['n'], y: g.op('Neg', ['n']) })(g),
    { n: i64([1]) }, /xs\[0\] 'n' is int64/);
  await gradientError((g) => withGradient(['x'], { xs: ['x'], y: g.op('Mul', ['x', 'w']) })(g),
    { x, w: x }, /reads 'w', which is neither named in xs or zs/);
  await gradientError(withGradient(['x'], { xs: ['x'], y: 'nowhere' }), { x }, /y 'nowhere', which is neither named/);
});

test('errors: control flow on the path is refused, naming the node', async () => {
  const branch = (name: string) => {
    const b = new GraphBuilder(name);
    b.node('Identity', ['x'], {}, { outputs: [`${name}_out`] });
    b.output(`${name}_out`);
    return b.build();
  };
  await gradientError((g) => {
    const y = g.op('If', ['c'], { then_branch: branch('then'), else_branch: branch('else') });
    g.node('Gradient', ['x', 'c'], { xs: ['x'], zs: ['c'], y }, { domain: TRAINING, outputs: ['dx'] });
    g.output('dx');
  }, { x: f64([1], [1]), c: bool([true], []) }, /If node 'If_0' has a subgraph attribute; Gradient cannot recompute control flow/);
});

for (const opset of [11, 13]) {
  test(`Softmax with axis 1 on a rank-3 input follows the grouping of opset ${opset}`, () => checkCase({
    xs: { x: [2, 2, 2] },
    zs: { w: [2, 2, 2] },
    build: (g) => g.op('Mul', [g.op('Softmax', ['x'], { axis: 1 }), 'w']),
    opset,
  }, 7));
}

test.run();
