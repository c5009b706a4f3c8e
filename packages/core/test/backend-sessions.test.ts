// Execution providers as a session resolves them (unknown names, backends that cannot run here) and the resources a
// backend holds per session (BackendSession: per-session uploads, released with the session).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  GraphBuilder, InferenceSession, Tensor, buildModel, defineKernel, isModelConstant, registerBackend, type Backend,
  type BackendSession, type Model,
} from '../src/index.js';

const LOCATION = 'held-memory';

/** One session's resources: which tensors it uploaded and whether it was released. */
class Held implements BackendSession {
  uploaded: Tensor[] = [];
  releases = 0;
  upload(t: Tensor): Tensor {
    if (this.releases) throw new Error('upload after release');
    this.uploaded.push(t);
    const data = Float32Array.from(t.data as Float32Array);
    return Tensor.onDevice('float32', t.dims, LOCATION, data, { download: async () => new Tensor('float32', data, t.dims) });
  }
  release(): void {
    this.releases++;
  }
}

const opened: Held[] = [];
const holding: Backend = {
  name: 'fixture-holding', priority: -1, isAvailable: () => true, location: LOCATION,
  init: () => {
    const held = new Held();
    opened.push(held);
    return held;
  },
  upload: () => {
    throw new Error('a session must upload through its own resources');
  },
  download: async (t) => new Tensor('float32', Float32Array.from(t.handle as Float32Array), t.dims),
  kernels: [
    defineKernel({
      op: 'Add', since: 1, dtypes: ['float32'],
      run: ([a, b]) => {
        const x = (a as Tensor).handle as Float32Array;
        const y = (b as Tensor).handle as Float32Array;
        return [Tensor.onDevice('float32', (a as Tensor).dims, LOCATION, x.map((v, i) => v + y[i]))];
      },
    }),
  ],
};
registerBackend(holding);

const away: Backend = {
  name: 'fixture-away', priority: -1, isAvailable: () => false, unavailableReason: () => 'no fixture device here', kernels: [],
};
registerBackend(away);

const broken: Backend = {
  name: 'fixture-broken', priority: -1, kernels: [],
  isAvailable: () => {
    throw new Error('probe crashed');
  },
};
registerBackend(broken);

/** A float32 tensor of two elements, the size of the model's input. */
const pair = (x: number, y: number) => new Tensor('float32', Float32Array.of(x, y), [2]);

/** y = a + w, w an initializer. */
function weightedModel(): Model {
  const g = new GraphBuilder('weighted');
  g.initializer('w', pair(10, 20));
  g.output(g.op('Add', [g.input('a', 'float32', [2]), 'w']), 'float32', [2]);
  return buildModel(g.build(), { '': 13 });
}

async function errorOf(body: () => Promise<unknown>): Promise<string> {
  try {
    await body();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an Error');
}

test('an unknown provider name lists the registered backends and how to register one', async () => {
  const message = await errorOf(() => InferenceSession.create(weightedModel(), { executionProviders: ['fixture-holding', 'gpux'] }));
  assert.match(message, /execution provider 'gpux' is not registered/);
  assert.match(message, /registered: [^)]*fixture-holding/);
  assert.match(message, /registers when its package is imported: import '@onnx-ts\/backend-cpu-ref', .*'@onnx-ts\/backend-gpu'/);
});

test('a named provider that cannot run here is skipped and listed; none available is an Error naming each', async () => {
  const s = await InferenceSession.create(weightedModel(), { executionProviders: ['fixture-away', 'fixture-holding'] });
  assert.equal(s.unavailableProviders, [{ name: 'fixture-away', reason: 'no fixture device here' }]);
  assert.equal(s.placement.map((p) => p.backend), ['fixture-holding']);
  await s.release();

  const message = await errorOf(() => InferenceSession.create(weightedModel(), { executionProviders: ['fixture-away', 'fixture-broken'] }));
  assert.match(message, /none of the execution providers \[fixture-away, fixture-broken\] is available/);
  assert.match(message, /'fixture-away': no fixture device here/);
  assert.match(message, /'fixture-broken': checking it failed: probe crashed/);
});

test('a skipped provider is logged at verbose level only', async () => {
  const warnings: string[] = [];
  const { warn, debug } = console;
  console.warn = (m: string) => warnings.push(m);
  console.debug = () => undefined;
  try {
    await (await InferenceSession.create(weightedModel(), { executionProviders: ['fixture-away', 'fixture-holding'] })).release();
    assert.equal(warnings, []);
    await (await InferenceSession.create(weightedModel(), { executionProviders: ['fixture-away', 'fixture-holding'], logSeverityLevel: 0 })).release();
  } finally {
    Object.assign(console, { warn, debug });
  }
  assert.equal(warnings, ["[onnx-ts] execution provider 'fixture-away' skipped: no fixture device here"]);
});

test('each session uploads through its own resources, and releasing one leaves the other running', async () => {
  opened.length = 0;
  const model = weightedModel();
  const first = await InferenceSession.create(model, { executionProviders: ['fixture-holding'] });
  const second = await InferenceSession.create(model, { executionProviders: ['fixture-holding'] });
  assert.is(opened.length, 2);
  const [heldFirst, heldSecond] = opened;
  const feed = pair(1, 2);
  const y = async (s: InferenceSession) => [...((await s.run({ a: feed }))[s.outputNames[0]] as Tensor<'float32'>).data];
  assert.equal(await y(first), [11, 22]);
  assert.is(heldFirst.uploaded.length, 2, 'the feed and the weight went through the first session');
  assert.is(heldSecond.uploaded.length, 0);
  const weight = model.graph.initializers.get('w')!;
  assert.ok(heldFirst.uploaded.includes(weight));
  assert.ok(isModelConstant(weight), 'initializers are model constants');
  assert.not.ok(isModelConstant(feed), 'a feed is not');

  await first.release();
  await first.release();
  assert.is(heldFirst.releases, 1, 'released once');
  assert.is(heldSecond.releases, 0);
  assert.equal(await y(second), [11, 22]);
  assert.match(await errorOf(() => first.run({ a: feed })), /released/);
  await second.release();
  assert.is(heldSecond.releases, 1);
});

test('a model refused at create releases what the backends set up for it', async () => {
  opened.length = 0;
  const g = new GraphBuilder();
  g.input('x', 'float32', [1]);
  g.output(g.op('Frobnicate', ['x']));
  assert.match(await errorOf(() => InferenceSession.create(buildModel(g.build()), { executionProviders: ['fixture-holding'] })), /Frobnicate/);
  assert.equal(opened.map((h) => h.releases), [1]);
});

test('without executionProviders, backends that cannot run here are skipped and listed', async () => {
  const s = await InferenceSession.create(weightedModel());
  assert.equal(s.unavailableProviders.map((u) => u.name).sort(), ['fixture-away', 'fixture-broken']);
  await s.release();
});

test.run();
