import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, InferenceSession, Tensor, buildModel, defineKernel, registerBackend, type Backend, type Model } from '../src/index.js';

// Fixture kernels in their own domain: 'Inc' adds 1 (float32 on one backend, int32 on another, so a node's kernel
// depends on what it is fed), 'IncLater' adds 1 from a Promise, 'Spin' burns a few ms, and the others misbehave.
const DOMAIN = 'test.executor';
const inc = <T extends 'float32' | 'int32'>(type: T) => defineKernel({
  op: 'Inc', domain: DOMAIN, since: 1, dtypes: [type],
  run: ([a]) => {
    const t = a as Tensor<T>;
    return [new Tensor(type, (t.data as Float32Array).map((v) => v + 1) as Tensor<T>['data'], t.dims)];
  },
});
const incLater = defineKernel({
  op: 'IncLater', domain: DOMAIN, since: 1,
  run: async ([a]) => [new Tensor('float32', (a as Tensor<'float32'>).data.map((v) => v + 1), (a as Tensor).dims)],
});
const spin = defineKernel({
  op: 'Spin', domain: DOMAIN, since: 1,
  run: ([a]) => {
    const until = performance.now() + 3;
    while (performance.now() < until);
    return [a as Tensor];
  },
});
const rejectLater = defineKernel({ op: 'RejectLater', domain: DOMAIN, since: 1, run: async () => Promise.reject(new Error('late failure')) });
const subgraphless = defineKernel({
  op: 'RunsGraph', domain: DOMAIN, since: 1,
  run: (_inputs, _attrs, ctx) => ctx.runGraph(ctx.graph, []),
});

const floats: Backend = { name: 'exec-float', priority: 0, isAvailable: () => true, kernels: [inc('float32'), incLater, spin, rejectLater, subgraphless] };
const ints: Backend = { name: 'exec-int', priority: 0, isAvailable: () => true, kernels: [inc('int32')] };
registerBackend(floats);
registerBackend(ints);
const providers = { executionProviders: ['exec-int', 'exec-float'] };

/** x → ops[0] → ops[1] → ... → y; x and y declare no type, so any tensor may be fed. */
function chain(ops: string[]): Model {
  const g = new GraphBuilder('chain');
  let v = g.input('x', 'float32');
  ops.forEach((op, i) => { v = g.node(op, [v], {}, { name: `n${i}`, domain: DOMAIN })[0]; });
  g.output(v);
  const graph = g.build();
  graph.inputs[0].type = undefined;
  return buildModel(graph, { '': 21, [DOMAIN]: 1 });
}

const f32 = (values: number[]) => new Tensor('float32', Float32Array.from(values), [values.length]);
const i32 = (values: number[]) => new Tensor('int32', Int32Array.from(values), [values.length]);

async function failure(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (e) {
    return (e as Error).message;
  }
  assert.unreachable('the run did not fail');
  return '';
}

test("a node's kernel follows its input types from run to run", async () => {
  const s = await InferenceSession.create(chain(['Inc', 'Inc']), providers);
  for (const [feed, type, expected] of [[f32([0.5]), 'float32', 2.5], [i32([1]), 'int32', 3], [f32([1]), 'float32', 3]] as const) {
    const y = (await s.run({ x: feed }))[s.outputNames[0]] as Tensor<'float32'>;
    assert.is(y.type, type);
    assert.equal([...y.data], [expected]);
  }
  const message = await failure(s.run({ x: new Tensor('int8', new Int8Array(1), [1]) }));
  assert.is(message, "Inc node 'n0': no kernel accepts input types (int8)");
});

test('kernels answering synchronously and from a Promise mix; profiling sees every node in order', async () => {
  const s = await InferenceSession.create(chain(['Inc', 'IncLater', 'Inc', 'IncLater']), { ...providers, enableProfiling: true, captureIntermediates: true });
  const out = await s.run({ x: f32([0, 10]) });
  assert.equal([...(out[s.outputNames[0]] as Tensor<'float32'>).data], [4, 14]);
  const events = s.endProfiling();
  assert.equal(events.map((e) => e.node), ['n0', 'n1', 'n2', 'n3']);
  assert.ok(events.every((e, i) => e.backend === 'exec-float' && e.durationMs >= 0 && (i === 0 || e.startMs >= events[i - 1].startMs)));
  assert.equal([...(s.lastIntermediates().get(s.outputNames[0]) as Tensor<'float32'>).data], [4, 14]);
  assert.is(s.lastIntermediates().size, 5);
});

test('a kernel whose Promise rejects, and runGraph on a node without subgraphs, fail naming the node', async () => {
  const late = await InferenceSession.create(chain(['Inc', 'RejectLater']), providers);
  assert.is(await failure(late.run({ x: f32([1]) })), "RejectLater node 'n1': late failure");
  const graphless = await InferenceSession.create(chain(['RunsGraph']), providers);
  assert.match(await failure(graphless.run({ x: f32([1]) })), /^RunsGraph node 'n0': runGraph called with a graph that is not one of its attributes$/);
});

test('a run over its time limit stops between nodes, naming the next node', async () => {
  const s = await InferenceSession.create(chain(['Spin', 'Spin', 'Spin']), providers);
  assert.match(await failure(s.run({ x: f32([1]) }, { timeoutMs: 1 })), /^run exceeded its time limit of 1 ms \(at Spin node 'n1'\)$/);
  const out = await s.run({ x: f32([7]) });
  assert.equal([...(out[s.outputNames[0]] as Tensor<'float32'>).data], [7]);
});

test.run();
