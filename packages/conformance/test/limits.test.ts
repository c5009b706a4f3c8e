import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '@onnx-ts/backend-cpu-ref';
import { GraphBuilder, InferenceSession, Tensor, buildModel } from '@onnx-ts/core';

const i64 = (v: number[]) => new Tensor('int64', BigInt64Array.from(v.map(BigInt)), [v.length]);

/** The error may come at create (a statically sized tensor over the limit) or at run (one sized by the feeds). */
async function expectError(model: ReturnType<typeof buildModel>, feeds: Record<string, Tensor>, re: RegExp, options = {}) {
  try {
    const s = await InferenceSession.create(model, options);
    await s.run(feeds);
  } catch (e) {
    assert.instance(e, Error);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected an error matching ${re}`);
}

test('Expand to 1e12 elements fails with an Error before allocating', async () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [1]);
  g.initializer('shape', i64([1_000_000, 1_000_000]));
  g.output(g.op('Expand', ['x', 'shape']));
  await expectError(buildModel(g.build()), { x: new Tensor('float32', new Float32Array([1]), [1]) }, /Expand.*(exceeds|limit)/);
});

test('maxTensorBytes caps what a kernel may allocate', async () => {
  const g = new GraphBuilder();
  g.input('shape', 'int64', [2]);
  g.output(g.op('ConstantOfShape', ['shape']));
  const model = buildModel(g.build());
  await expectError(model, { shape: i64([1000, 1000]) }, /ConstantOfShape.*exceeds .*maxTensorBytes/, { maxTensorBytes: 1 << 20 });
  const s = await InferenceSession.create(model, { maxTensorBytes: 1 << 20 });
  const out = await s.run({ shape: i64([100, 100]) });
  assert.equal((out[s.outputNames[0]] as Tensor).dims, [100, 100]);
});

test('Tile and Range beyond the limit are refused', async () => {
  const tile = new GraphBuilder();
  tile.input('x', 'float32', [2]);
  tile.initializer('reps', i64([2 ** 40]));
  tile.output(tile.op('Tile', ['x', 'reps']));
  await expectError(buildModel(tile.build()), { x: new Tensor('float32', new Float32Array(2), [2]) }, /Tile.*(exceeds|limit|cannot allocate)/);
  const range = new GraphBuilder();
  range.input('limit', 'float32', []);
  range.initializer('start', new Tensor('float32', new Float32Array([0]), []));
  range.initializer('delta', new Tensor('float32', new Float32Array([1e-30]), []));
  range.output(range.op('Range', ['start', 'limit', 'delta']));
  await expectError(buildModel(range.build()), { limit: new Tensor('float32', new Float32Array([1]), []) }, /Range.*(exceeds|limit|cannot allocate)/);
});

test('a run that takes too long stops with an Error', async () => {
  const body = new GraphBuilder('body');
  body.input('i', 'int64', []);
  body.input('c', 'bool', []);
  body.output('c');
  const g = new GraphBuilder();
  g.input('trips', 'int64', []);
  g.output(g.node('Loop', ['trips', ''], { body: body.build() }, { outputs: 0 })[0] ?? 'trips');
  const s = await InferenceSession.create(buildModel(g.build()));
  const started = Date.now();
  try {
    await s.run({ trips: new Tensor('int64', new BigInt64Array([10n ** 15n]), []) }, { timeoutMs: 200 });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /time limit of 200 ms/);
  }
  assert.ok(Date.now() - started < 5000);
});

test.run();
