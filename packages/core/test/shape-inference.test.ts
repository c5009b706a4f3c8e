import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  GraphBuilder, InferenceSession, Tensor, broadcastDims, broadcastShapes, buildModel, defineKernel, inferFacts,
  describeConflict, registerBackend, registerShapeFunctions, tensorType, typeFacts, type Dim, type FactConflict, type Model,
  type TypeInfo, type Value,
} from '../src/index.js';

// A fixture domain whose ops have hand-written shape functions, so the engine and the session are tested without
// the reference backend (which depends on core).
const DOMAIN = 'test.shapes';
let kernelRuns = 0;
const zeros = (dims: readonly number[]): Tensor => {
  kernelRuns++;
  return new Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), [...dims]);
};
registerBackend({
  name: 'shape-fixture', priority: 1, isAvailable: () => true,
  kernels: [
    defineKernel({ op: 'Same', domain: DOMAIN, since: 1, run: ([a]) => [zeros((a as Tensor).dims)] }),
    defineKernel({ op: 'Pair', domain: DOMAIN, since: 1, run: ([a, b]) => [zeros(broadcastShapes((a as Tensor).dims, (b as Tensor).dims))] }),
    defineKernel({ op: 'Opaque', domain: DOMAIN, since: 1, run: ([a]) => [zeros((a as Tensor).dims)] }),
    defineKernel({ op: 'Wrap', domain: DOMAIN, since: 1, run: ([a]) => [[zeros((a as Tensor).dims)]] }),
  ],
});
registerShapeFunctions(DOMAIN, {
  Same: (c) => [{ type: c.input(0).type, shape: c.input(0).shape }],
  Pair: (c) => [{ type: c.input(0).type, shape: broadcastDims([c.input(0).shape, c.input(1).shape]) }],
  // A sequence holding its input.
  Wrap: (c) => [{ sequenceOf: c.input(0) }],
  // A vector as long as input 1 when that is a constant the engine shows.
  Probe: (c) => [{ type: 'float32', shape: c.constant(1) ? [c.constant(1)!.size] : undefined }],
});

const providers = { executionProviders: ['shape-fixture'] };

/** x [xShape] and y [yShape] → Pair → Same → output (declared as given); every op in the fixture domain. */
function pairModel(xShape: Dim[], yShape: Dim[], output?: { type: 'float32' | 'int32'; shape?: Dim[] }): Model {
  const g = new GraphBuilder('pair');
  g.input('x', 'float32', xShape);
  g.input('y', 'float32', yShape);
  const p = g.node('Pair', ['x', 'y'], {}, { domain: DOMAIN, outputs: ['p'], name: 'pair' })[0];
  g.node('Same', [p], {}, { domain: DOMAIN, outputs: ['out'], name: 'same' });
  g.output('out', output?.type, output?.shape);
  return buildModel(g.build(), { '': 13, [DOMAIN]: 1 });
}

async function createError(model: Model, options = {}): Promise<string> {
  try {
    await InferenceSession.create(model, { ...providers, ...options });
  } catch (e) {
    return (e as Error).message;
  }
  assert.unreachable('create succeeded');
  return '';
}

test('inferFacts carries symbolic dims through broadcasts and leaves ops without a shape function unknown', () => {
  const g = new GraphBuilder('symbols');
  g.input('x', 'float32', ['N', 1, 4]);
  g.input('y', 'float32', [3, 1]);
  const p = g.op('Pair', ['x', 'y'], {}, DOMAIN);
  const s = g.op('Same', [p], {}, DOMAIN);
  const o = g.op('Opaque', [s], {}, DOMAIN);
  g.output(o, 'float32', ['N', null, 4]);
  const facts = inferFacts(g.build(), new Map([[DOMAIN, 1]]));
  assert.equal(facts.get(p), { type: 'float32', shape: ['N', 3, 4] });
  assert.equal(facts.get(s)?.shape, ['N', 3, 4]);
  // Unknown to inference: the declaration is all there is.
  assert.equal(facts.get(o)?.shape, ['N', null, 4]);
});

test('create rejects a declared fixed dim that inference contradicts, naming value, node, declared and computed', async () => {
  const message = await createError(pairModel([2, 1], [1, 5], { type: 'float32', shape: [2, 4] }));
  assert.match(message, /'out' is declared \[2, 4\] but Same node 'same' produces \[2, 5\]/);
});

test('create rejects a declared element type that inference contradicts', async () => {
  const message = await createError(pairModel([2], [2], { type: 'int32', shape: [2] }));
  assert.match(message, /'out' is declared int32 but Same node 'same' produces float32/);
});

test('create rejects a value_info rank that inference contradicts', async () => {
  const model = pairModel([2, 1], [1, 5]);
  model.graph.valueInfo.push({ name: 'p', type: tensorType('float32', [10]) });
  assert.match(await createError(model), /'p' is declared \[10\] but Pair node 'pair' produces \[2, 5\]/);
});

test('symbols and unknown dims never conflict with fixed ones', async () => {
  const s = await InferenceSession.create(pairModel(['N', 1], [1, 5], { type: 'float32', shape: [7, 'M'] }), providers);
  assert.equal(s.outputMetadata[0].shape, [7, 'M']);
});

test('outputMetadata and valueTypes report what inference finds where the model declares nothing', async () => {
  const s = await InferenceSession.create(pairModel(['N', 1], [1, 5]), providers);
  assert.equal(s.outputMetadata[0].type, 'float32');
  assert.equal(s.outputMetadata[0].shape, ['N', 5]);
  assert.ok(s.outputMetadata[0].isTensor);
  assert.equal(s.valueTypes.get('p'), { type: 'float32', shape: ['N', 5] });
  // Declared unknown dims are filled in too, declared ones kept.
  const partial = await InferenceSession.create(pairModel(['N', 1], [1, 5], { type: 'float32', shape: ['batch', null] }), providers);
  assert.equal(partial.outputMetadata[0].shape, ['batch', 5]);
});

test('memoryPlan: peak bytes of live intermediates follow the run order and lifetimes', async () => {
  // x [10] → a → b → c (output), all float32 [10] = 40 bytes. After a: 40. After b: 80, then a dies: 40.
  // After c: 80 (c is an output and stays), then b dies. Peak 80.
  const g = new GraphBuilder('chain');
  g.input('x', 'float32', [10]);
  const a = g.op('Same', ['x'], {}, DOMAIN);
  const b = g.op('Same', [a], {}, DOMAIN);
  g.output(g.op('Same', [b], {}, DOMAIN), 'float32', [10]);
  const s = await InferenceSession.create(buildModel(g.build(), { '': 13, [DOMAIN]: 1 }), providers);
  assert.is(s.memoryPlan.peakBytes, 80);
  assert.equal(s.memoryPlan.dynamicValues, []);
  const symbolic = await InferenceSession.create(pairModel(['N', 1], [1, 5]), providers);
  assert.equal(symbolic.memoryPlan.dynamicValues, ['p', 'out']);
});

test('maxTensorBytes: a static intermediate over the limit fails at create, before any kernel runs', async () => {
  const before = kernelRuns;
  // [1000, 1] with [1, 1000] → [1000, 1000] float32 = 4 000 000 bytes.
  const message = await createError(pairModel([1000, 1], [1, 1000]), { maxTensorBytes: 1_000_000 });
  assert.match(message, /'p' \(output of Pair node 'pair'\) is a float32 tensor \[1000, 1000\] of 4000000 bytes.*maxTensorBytes=1000000/);
  assert.is(kernelRuns, before);
});

test('maxTensorBytes: a symbolic intermediate is checked once the feeds bind its symbols, before any kernel runs', async () => {
  const s = await InferenceSession.create(pairModel(['N', 1], [1, 1000]), { ...providers, maxTensorBytes: 100_000 });
  const feeds = (n: number): Record<string, Value> => ({
    x: new Tensor('float32', new Float32Array(n), [n, 1]), y: new Tensor('float32', new Float32Array(1000), [1, 1000]),
  });
  const out = await s.run(feeds(2));
  assert.equal((out.out as Tensor).dims, [2, 1000]);
  const before = kernelRuns;
  try {
    await s.run(feeds(100));
    assert.unreachable('run succeeded');
  } catch (e) {
    assert.match((e as Error).message, /run\(\): 'p' .* \[100, 1000\] of 400000 bytes/);
  }
  assert.is(kernelRuns, before);
});

/** x [2, 'N'] → Wrap → output, declared as given. */
function wrapModel(declared?: TypeInfo): Model {
  const g = new GraphBuilder('wrap');
  g.input('x', 'float32', [2, 'N']);
  g.node('Wrap', ['x'], {}, { domain: DOMAIN, outputs: ['seq'], name: 'wrap' });
  if (declared) g.output('seq', declared);
  else g.output('seq');
  return buildModel(g.build(), { '': 13, [DOMAIN]: 1 });
}

const sequenceType = (elem: TypeInfo | undefined): TypeInfo => ({ kind: 'sequence', elem });

test('sequence facts: typeFacts reads a sequence type, declarations fill unknown element dims', () => {
  assert.equal(typeFacts(sequenceType(tensorType('int64', [3]))), { sequenceOf: { type: 'int64', shape: [3] } });
  assert.equal(typeFacts(sequenceType(undefined)), { sequenceOf: {} });
  const model = wrapModel(sequenceType(tensorType('float32', [2, 7])));
  const facts = inferFacts(model.graph, model.opsetImports);
  // N is a symbol from the input: the declared 7 does not replace it, and does not contradict it either.
  assert.equal(facts.get('seq')?.sequenceOf, { type: 'float32', shape: [2, 'N'] });
  assert.equal(facts.get('seq')?.type, undefined);
});

test('sequence facts: a declared element type that inference contradicts is a conflict; an unknown one is not', async () => {
  const conflicts: FactConflict[] = [];
  const wrong = wrapModel(sequenceType(tensorType('int32', [2, null])));
  inferFacts(wrong.graph, wrong.opsetImports, { conflicts });
  assert.equal(conflicts.map(describeConflict), ["'seq' is declared sequence of int32 but Wrap node 'wrap' produces sequence of float32"]);
  assert.match(await createError(wrong), /'seq' is declared sequence of int32/);
  const unknownElements = wrapModel(sequenceType(undefined));
  const none: FactConflict[] = [];
  inferFacts(unknownElements.graph, unknownElements.opsetImports, { conflicts: none });
  assert.equal(none, []);
});

test('sequence facts: metadata says sequence, and memory planning sizes only tensors', async () => {
  const s = await InferenceSession.create(wrapModel(), providers);
  assert.is(s.outputMetadata[0].isTensor, false);
  assert.equal(s.outputMetadata[0].typeInfo, sequenceType(tensorType('float32', [2, 'N'])));
  assert.equal(s.valueTypes.get('seq'), { type: undefined, shape: undefined });
  assert.is(s.memoryPlan.peakBytes, 0);
  const out = await s.run({ x: new Tensor('float32', new Float32Array(6), [2, 3]) });
  assert.equal((out.seq as Tensor[])[0].dims, [2, 3]);
});

test('ShapeContext.constant: small initializers and Constant outputs, not feeds or overridable or large initializers', () => {
  const g = new GraphBuilder('constants');
  g.input('feed', 'float32', [3]);
  g.input('overridable', 'float32', [3]);
  g.initializer('overridable', new Tensor('float32', new Float32Array(3), [3]));
  g.initializer('small', new Tensor('float32', new Float32Array(3), [3]));
  g.initializer('large', new Tensor('float32', new Float32Array(65), [65]));
  const fromNode = g.op('Constant', [], { value_floats: [1, 2, 3, 4] });
  const probe = (name: string) => g.op('Probe', ['feed', name], {}, DOMAIN);
  const probes = { feed: probe('feed'), overridable: probe('overridable'), small: probe('small'), large: probe('large'), fromNode: probe(fromNode) };
  const graph = g.build();
  const shapes = (defaultsAsConstants: boolean) => {
    const facts = inferFacts(graph, new Map([[DOMAIN, 1]]), { defaultsAsConstants });
    return Object.fromEntries(Object.entries(probes).map(([k, v]) => [k, facts.get(v)?.shape]));
  };
  assert.equal(shapes(false), { feed: undefined, overridable: undefined, small: [3], large: undefined, fromNode: [4] });
  assert.equal(shapes(true).overridable, [3]);
});

test.run();
