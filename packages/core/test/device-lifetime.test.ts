import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, InferenceSession, Tensor, buildModel, defineKernel, registerBackend, type Backend, type Model } from '../src/index.js';

// A fixture backend with its own memory: a device tensor's handle is its Float32Array, which dispose() poisons with
// NaN and marks, so a value read after it was freed shows up in the outputs and in `usedAfterDispose`.
const LOCATION = 'fixture-memory';
const live = new Set<Float32Array>();
const disposed = new Set<Float32Array>();
let usedAfterDispose = 0;
let uploads = 0;

function deviceTensor(data: Float32Array, dims: readonly number[]): Tensor {
  live.add(data);
  return Tensor.onDevice('float32', dims, LOCATION, data, {
    download: async () => new Tensor('float32', data.slice(), dims),
    dispose: () => {
      if (disposed.has(data)) throw new Error('disposed twice');
      data.fill(NaN);
      live.delete(data);
      disposed.add(data);
    },
  });
}

function read(t: Tensor): Float32Array {
  const data = t.handle as Float32Array;
  if (disposed.has(data)) usedAfterDispose++;
  return data;
}

const device: Backend = {
  name: 'fixture-device', priority: 1, isAvailable: () => true, location: LOCATION,
  upload: async (t) => {
    uploads++;
    return deviceTensor(Float32Array.from(t.data as Float32Array), t.dims);
  },
  download: async (t) => new Tensor('float32', read(t).slice(), t.dims),
  kernels: [
    defineKernel({
      op: 'Add', since: 1, dtypes: ['float32'],
      run: ([a, b]) => {
        const x = read(a as Tensor);
        const y = read(b as Tensor);
        return [deviceTensor(x.map((v, i) => v + y[y.length === 1 ? 0 : i]), (a as Tensor).dims)];
      },
    }),
    // Passes its input through: the same object then lives under two names.
    defineKernel({ op: 'Identity', since: 1, run: ([a]) => [a as Tensor] }),
  ],
};
registerBackend(device);

const f32 = (values: number[]) => new Tensor('float32', Float32Array.from(values), [values.length]);

/** y = ((a + w) + (a + w)) + alias, where alias = Identity(a + w) is read last. */
function chainModel(): Model {
  const g = new GraphBuilder('chain');
  g.input('a', 'float32', [2]);
  g.initializer('w', f32([1, 1]));
  const s = g.op('Add', ['a', 'w']);
  const alias = g.op('Identity', [s]);
  const d = g.op('Add', [s, s]);
  g.output(g.op('Add', [d, alias]), 'float32', [2]);
  return buildModel(g.build(), { '': 13 });
}

test('dead device tensors are disposed after their last reader, aliases kept until the last name dies', async () => {
  const session = await InferenceSession.create(chainModel(), { executionProviders: ['fixture-device'] });
  for (let run = 0; run < 3; run++) {
    const out = await session.run({ a: f32([1, 2]) });
    const y = out[session.outputNames[0]] as Tensor<'float32'>;
    assert.is(y.location, 'cpu');
    assert.equal([...y.data], [6, 9]);
    assert.is(usedAfterDispose, 0);
    // Every device tensor of the run is gone: intermediates, upload copies and the downloaded output.
    assert.is(live.size, 0, `run ${run}: ${live.size} device tensors still held`);
  }
  assert.ok(uploads >= 2, 'the feed and the initializer were uploaded');
});

test('captured intermediates come back in CPU memory and the device copies are freed', async () => {
  const session = await InferenceSession.create(chainModel(), { executionProviders: ['fixture-device'], captureIntermediates: true });
  await session.run({ a: f32([1, 2]) });
  const captured = session.lastIntermediates();
  for (const v of captured.values()) assert.is((v as Tensor).location, 'cpu');
  // s = a + w; the alias is the same value under another name.
  const s = session.model.graph.nodes[0].outputs[0];
  const alias = session.model.graph.nodes[1].outputs[0];
  assert.equal([...(captured.get(s) as Tensor<'float32'>).data], [2, 3]);
  assert.equal([...(captured.get(alias) as Tensor<'float32'>).data], [2, 3]);
  assert.is(usedAfterDispose, 0);
  assert.is(live.size, 0);
});

test.run();
