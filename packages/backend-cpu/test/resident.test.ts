import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, InferenceSession, Tensor, buildModel } from '@onnx-ts/core';
import cpuBackend, { configure } from '../src/index.js';
import { wasmRuntime } from '../src/runtime/wasm.js';
import { assertClose, randomTensor } from './helpers.js';

/**
 * A small network whose values pass from one 'cpu' node to the next in the WebAssembly memory: Conv, BN, Relu,
 * a channel shuffle (Reshape, Transpose, Reshape), Concat of two branches, Sum, Flatten, Gemm and Softmax, with a
 * Sigmoid in the middle that runs on 'cpu-ref' (a download and an upload at its edges).
 */
function network(): ReturnType<GraphBuilder['build']> {
  const g = new GraphBuilder('resident');
  const c = 8;
  g.input('x', 'float32', [1, 4, 6, 6]);
  g.initializer('w', randomTensor([c, 4, 3, 3], 2));
  g.initializer('dw', randomTensor([c, 1, 3, 3], 3));
  for (const [i, name] of ['scale', 'bias', 'mean'].entries()) g.initializer(name, randomTensor([c], 4 + i));
  g.initializer('variance', new Tensor('float32', Float32Array.from({ length: c }, (_, i) => 0.5 + i / 8), [c]));
  g.initializer('grouped', new Tensor('int64', BigInt64Array.from([1n, 2n, 4n, 6n, 6n]), [5]));
  g.initializer('flat', new Tensor('int64', BigInt64Array.from([1n, 8n, 6n, 6n]), [4]));
  g.initializer('fc', randomTensor([10, 2 * c * 36], 8));
  const conv = g.op('Conv', ['x', 'w'], { pads: [1, 1, 1, 1] });
  const bn = g.op('BatchNormalization', [conv, 'scale', 'bias', 'mean', 'variance']);
  const relu = g.op('Relu', [bn]);
  const shuffled = g.op('Reshape', [g.op('Transpose', [g.op('Reshape', [relu, 'grouped'])], { perm: [0, 2, 1, 3, 4] }), 'flat']);
  const depthwise = g.op('Conv', [shuffled, 'dw'], { group: c, pads: [1, 1, 1, 1] });
  const gate = g.op('Sigmoid', [depthwise]);
  const joined = g.op('Concat', [g.op('Sum', [gate, relu, shuffled]), depthwise], { axis: 1 });
  const logits = g.op('Gemm', [g.op('Flatten', [joined]), 'fc'], { transB: 1 });
  g.output(g.op('Softmax', [logits], { axis: 1 }));
  g.output(relu);
  return g.build();
}

test('values stay resident between cpu nodes; the outputs match the reference and reach the caller on the CPU', async () => {
  await configure({ threads: 1 });
  const model = buildModel(network(), { '': 13 });
  const x = randomTensor([1, 4, 6, 6], 1);
  const reference = await InferenceSession.create(model, { executionProviders: ['cpu-ref'] });
  const expected = await reference.run({ x });
  const session = await InferenceSession.create(model, { executionProviders: ['cpu'], captureIntermediates: true });
  const got = await session.run({ x });
  for (const [name, value] of Object.entries(expected)) {
    assert.is((got[name] as Tensor).location, 'cpu', `${name} is on the CPU`);
    assertClose(got[name], value, 1e-4, 1e-5, name);
  }
  const placement = new Map(session.placement.map((p) => [p.opType, p.backend]));
  assert.is(placement.get('Sigmoid'), 'cpu-ref');
  // Every value passed between cpu nodes, downloaded once captured, equals the reference's.
  const referenceValues = await InferenceSession.create(model, { executionProviders: ['cpu-ref'], captureIntermediates: true });
  await referenceValues.run({ x });
  for (const node of model.graph.nodes) {
    const name = node.outputs[0];
    const value = session.lastIntermediates().get(name) as Tensor;
    assert.is(value.location, 'cpu', `captured ${node.opType} output is on the CPU`);
    assertClose(value, referenceValues.lastIntermediates().get(name)!, 1e-4, 1e-5, `${node.opType} output`);
  }
  await session.release();
});

test('a cpu kernel output lives in the WebAssembly memory, reads through getData() and is an Error once disposed', async () => {
  const x = randomTensor([1, 8, 6, 6], 7);
  const relu = cpuBackend.kernels.find((k) => k.op === 'Relu')!;
  const [y] = (await relu.run([x], {} as never, { outputUsed: [true] } as never)) as Tensor[];
  assert.is(y.location, 'wasm');
  const values = (await y.getData()) as Float32Array;
  assert.equal([...values], [...(x.data as Float32Array)].map((v) => Math.max(v, 0)));
  // Once disposed, its memory may hold another value: reading it is an Error, not stale data.
  y.dispose();
  try {
    await y.getData();
    assert.unreachable('a disposed tensor was read');
  } catch (e) {
    assert.match((e as Error).message, /backend-cpu: a tensor \[1, 8, 6, 6\] was used after it was disposed/);
  }
});

test('dead values return to the heap: steady runs use the same memory', async () => {
  for (const threads of [1, 2]) {
    await configure({ threads });
    const session = await InferenceSession.create(buildModel(network(), { '': 13 }), { executionProviders: ['cpu'] });
    const x = randomTensor([1, 4, 6, 6], 1);
    const { heap } = wasmRuntime();
    // Weights are packed into the heap on the first run, so count from the second.
    await session.run({ x });
    const steady = heap.used;
    for (let i = 0; i < 5; i++) await session.run({ x });
    assert.is(heap.used, steady, `${threads} thread(s): heap bytes in use after more runs`);
    await session.release();
  }
});

test.run();
