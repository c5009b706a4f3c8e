import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  GraphBuilder, InferenceSession, Tensor, attr, buildModel, decodeModel, defineKernel, registerBackend, saveModel,
  type Backend, type Model,
} from '../src/index.js';

// Fixture backends with tiny float32 kernels, so the executor is tested without any real backend.
const add = defineKernel({
  op: 'Add', since: 1, dtypes: ['float32'],
  run: ([a, b]) => {
    const x = a as Tensor<'float32'>;
    const y = b as Tensor<'float32'>;
    return [new Tensor('float32', x.data.map((v, i) => v + y.data[y.size === 1 ? 0 : i]), x.dims)];
  },
});
const scale = defineKernel({
  op: 'Scale', domain: 'test.fixture', since: 1, attrs: { factor: attr.float(2) },
  run: ([a], { factor }) => [new Tensor('float32', (a as Tensor<'float32'>).data.map((v) => v * factor), (a as Tensor).dims)],
});
const identity = defineKernel({ op: 'Identity', since: 1, run: ([a]) => [a ?? null] });
const boom = defineKernel({ op: 'Boom', domain: 'test.fixture', since: 1, run: () => { throw new Error('bad thing'); } });
const fixture: Backend = { name: 'cpu-ref', priority: 0, isAvailable: () => true, kernels: [add, scale, identity, boom] };
registerBackend(fixture);
registerBackend(fixture);

const int32Only: Backend = {
  name: 'fixture-int', priority: 5, isAvailable: () => true,
  kernels: [defineKernel({ op: 'Add', since: 1, dtypes: ['int32'], run: () => { throw new Error('must not run on float32'); } })],
};
registerBackend(int32Only);

const f32 = (values: number[], dims = [values.length]) => new Tensor('float32', Float32Array.from(values), dims);

function addModel(): Model {
  const g = new GraphBuilder('add');
  g.input('a', 'float32', ['N']);
  g.input('b', 'float32', ['N']);
  g.initializer('w', f32([1]));
  g.input('w', 'float32', [1]);
  const s = g.op('Add', ['a', 'b']);
  g.output(g.op('Add', [s, 'w']), 'float32', ['N']);
  return buildModel(g.build(), { '': 13 });
}

test('inputNames exclude initializers; run adds with outer broadcasting', async () => {
  const s = await InferenceSession.create(saveModel(addModel()));
  assert.equal(s.inputNames, ['a', 'b']);
  assert.is(s.outputNames.length, 1);
  const out = await s.run({ a: f32([1, 2]), b: f32([10, 20]) });
  assert.equal([...(out[s.outputNames[0]] as Tensor<'float32'>).data], [12, 23]);
});

test('registerBackend is idempotent and a different backend under the same name is refused', () => {
  registerBackend(fixture);
  assert.throws(() => registerBackend({ ...fixture }), /already registered/);
});

test('feeds are validated: unknown, missing, dtype, rank, symbolic dims', async () => {
  const s = await InferenceSession.create(addModel());
  const expectError = async (feeds: Record<string, Tensor>, re: RegExp) => {
    try {
      await s.run(feeds);
    } catch (e) {
      assert.match((e as Error).message, re);
      return;
    }
    assert.unreachable(`no error for ${re}`);
  };
  await expectError({ a: f32([1]) }, /input 'b' is missing/);
  await expectError({ a: f32([1]), b: f32([1]), c: f32([1]) }, /unknown input 'c'/);
  await expectError({ a: new Tensor('int32', new Int32Array(1), [1]), b: f32([1]) }, /input 'a' expects element type float32/);
  await expectError({ a: f32([1, 2], [1, 2]), b: f32([1]) }, /input 'a' expects rank 1/);
  await expectError({ a: f32([1, 2]), b: f32([1, 2, 3]) }, /'N'.*is 3, but another input set 'N' to 2/);
});

test('placement follows executionProviders and falls back per dtype', async () => {
  const s = await InferenceSession.create(addModel(), { executionProviders: ['fixture-int'] });
  assert.equal(s.placement.map((p) => p.backend), ['fixture-int', 'fixture-int']);
  const out = await s.run({ a: f32([1]), b: f32([2]) });
  assert.equal([...(out[s.outputNames[0]] as Tensor<'float32'>).data], [4]);
});

test('unknown execution providers and ops are reported at creation', async () => {
  try {
    await InferenceSession.create(addModel(), { executionProviders: ['nope'] });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /execution provider 'nope' is not registered/);
  }
  const g = new GraphBuilder();
  g.input('x', 'float32', [1]);
  g.output(g.op('Frobnicate', ['x']));
  try {
    await InferenceSession.create(buildModel(g.build()));
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /Frobnicate.*no backend .* implements Frobnicate at opset 21/);
  }
});

test('a cycle is reported with the nodes in it', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [1]);
  g.node('Add', ['x', 'q'], {}, { outputs: ['p'] });
  g.node('Add', ['x', 'p'], {}, { outputs: ['q'] });
  g.output('q');
  try {
    await InferenceSession.create(buildModel(g.build()));
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /cycle/);
  }
});

test('If runs the chosen branch and sees outer-scope values', async () => {
  const thenG = new GraphBuilder('then');
  thenG.output(thenG.op('Add', ['x', 'x']));
  const elseG = new GraphBuilder('else');
  elseG.output(elseG.op('Identity', ['x']));
  const g = new GraphBuilder('main');
  g.input('cond', 'bool', []);
  g.input('x', 'float32', [2]);
  g.output(g.op('If', ['cond'], { then_branch: thenG.build(), else_branch: elseG.build() }));
  const s = await InferenceSession.create(buildModel(g.build()));
  const run = async (c: number) => [...((await s.run({ cond: new Tensor('bool', new Uint8Array([c]), []), x: f32([1, 2]) }))[s.outputNames[0]] as Tensor<'float32'>).data];
  assert.equal(await run(1), [2, 4]);
  assert.equal(await run(0), [1, 2]);
});

test('Loop carries state and stacks scan outputs', async () => {
  // body(i, cond, acc) -> (cond, acc + x, acc + x): after 3 trips acc = 3x, scans = x, 2x, 3x.
  const body = new GraphBuilder('body');
  body.input('i', 'int64', []);
  body.input('c', 'bool', []);
  body.input('acc', 'float32', [2]);
  const next = body.op('Add', ['acc', 'x']);
  body.output('c');
  body.output(next);
  body.output(body.op('Identity', [next]), 'float32', [2]);
  const g = new GraphBuilder('main');
  g.input('x', 'float32', [2]);
  g.initializer('trips', new Tensor('int64', new BigInt64Array([3n]), []));
  g.initializer('zero', f32([0, 0]));
  const [acc, scans] = g.node('Loop', ['trips', '', 'zero'], { body: body.build() }, { outputs: 2 });
  g.output(acc);
  g.output(scans);
  const s = await InferenceSession.create(buildModel(g.build()));
  const out = await s.run({ x: f32([1, 10]) });
  assert.equal([...(out[acc] as Tensor<'float32'>).data], [3, 30]);
  assert.equal((out[scans] as Tensor).dims, [3, 2]);
  assert.equal([...(out[scans] as Tensor<'float32'>).data], [1, 10, 2, 20, 3, 30]);
});

test('Scan walks the scan axis, forward and reverse', async () => {
  const body = new GraphBuilder('body');
  body.input('state', 'float32', [1]);
  body.input('item', 'float32', [1]);
  const sum = body.op('Add', ['state', 'item']);
  body.output(sum);
  body.output(body.op('Identity', [sum]));
  const make = async (directions: number[]) => {
    const g = new GraphBuilder('main');
    g.input('init', 'float32', [1]);
    g.input('xs', 'float32', [3, 1]);
    const [final, partial] = g.node('Scan', ['init', 'xs'], { body: body.build(), num_scan_inputs: 1, scan_input_directions: directions }, { outputs: 2 });
    g.output(final);
    g.output(partial);
    const s = await InferenceSession.create(buildModel(g.build()));
    const out = await s.run({ init: f32([0]), xs: f32([1, 2, 3], [3, 1]) });
    return [[...(out[final] as Tensor<'float32'>).data], [...(out[partial] as Tensor<'float32'>).data]];
  };
  assert.equal(await make([0]), [[6], [1, 3, 6]]);
  assert.equal(await make([1]), [[6], [3, 5, 6]]);
});

test('model-local functions are expanded with attribute references', async () => {
  const g = new GraphBuilder('main');
  g.input('x', 'float32', [2]);
  g.output(g.op('Twice', ['x'], { k: 3.5 }, 'local'));
  const model = buildModel(g.build(), { '': 21, local: 1, 'test.fixture': 1 });
  model.functions.push({
    name: 'Twice', domain: 'local', inputs: ['a'], outputs: ['b'], attributeNames: ['k'], attributeDefaults: [],
    nodes: [{ name: 's', opType: 'Scale', domain: 'test.fixture', inputs: ['a'], outputs: ['t'], attributes: [{ name: 'factor', type: 'float', value: 0, refAttrName: 'k' }] },
      { name: 'a2', opType: 'Add', domain: 'ai.onnx', inputs: ['t', 't'], outputs: ['b'], attributes: [] }],
    opsetImports: new Map([['ai.onnx', 21], ['test.fixture', 1]]), valueInfo: [],
  });
  const s = await InferenceSession.create(decodeModel(saveModel(model)));
  const out = await s.run({ x: f32([1, 2]) });
  assert.equal([...(out[s.outputNames[0]] as Tensor<'float32'>).data], [7, 14]);
});

test('concurrent runs on one session give their own results; released sessions refuse to run', async () => {
  const s = await InferenceSession.create(addModel());
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => s.run({ a: f32([i]), b: f32([i]) })));
  results.forEach((r, i) => assert.equal([...(r[s.outputNames[0]] as Tensor<'float32'>).data], [2 * i + 1]));
  await s.release();
  await s.release();
  try {
    await s.run({ a: f32([1]), b: f32([1]) });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /released/);
  }
});

test('kernel errors carry the node name and op type', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [1]);
  g.output(g.node('Boom', ['x'], {}, { name: 'the_boom', domain: 'test.fixture' })[0]);
  const s = await InferenceSession.create(buildModel(g.build(), { '': 21, 'test.fixture': 1 }));
  try {
    await s.run({ x: f32([2]) });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /^Boom node 'the_boom': bad thing$/);
  }
});

test.run();
