/**
 * The reliability checks of every backend this CLI ships (the conformance package runs them on cpu-ref only, since it
 * does not depend on the accelerated backends): a seeded fuzz of model files, allocation limits, concurrent runs and
 * flat memory over repeated runs.
 */
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, InferenceSession, Tensor, buildModel, type Value } from '@onnx-ts/core';
import { BACKEND_PACKAGES, compareValues, DEFAULT_TOLERANCE, discoverCases, fuzzModels } from '@onnx-ts/conformance';
import { availableBackends } from '../src/lib/backends.js';
import { DATA, LIGHT } from './helpers.js';

const FUZZ_SEEDS = Number(process.env.FUZZ_SEEDS ?? 400);
const MEMORY_RUNS = Number(process.env.MEMORY_RUNS ?? 20);
const FUZZ_MODELS = ['test_abs', 'test_add_bcast', 'test_conv_with_strides_padding', 'test_maxpool_2d_pads', 'test_gemm_default_matrix_bias',
  'test_reshape_negative_dim', 'test_if', 'test_loop11', 'test_softmax_axis_1', 'test_relu'].map((t) => join(DATA, 'node', t, 'model.onnx'));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const backends = (await availableBackends()).filter((b) => b !== 'cpu-ref');
const squeezenet = discoverCases(LIGHT).find((c) => c.name === 'test_squeezenet')!.load();

for (const backend of backends) {
  test(`${backend}: ${FUZZ_SEEDS} mutated models give no crash, hang or non-Error throw`, async () => {
    const fromSource = import.meta.url.endsWith('.ts');
    const { findings, ran } = await fuzzModels({
      models: FUZZ_MODELS,
      seeds: FUZZ_SEEDS,
      backend,
      backendModule: import.meta.resolve(BACKEND_PACKAGES[backend]),
      execArgv: fromSource ? ['--conditions=source', '--import', 'tsx'] : [],
    });
    assert.is(ran, FUZZ_SEEDS);
    assert.equal(findings, [], findings.map((f) => `${f.problem} at seed ${f.seed} (${f.model}): ${f.detail}`).join('\n'));
  });

  test(`${backend}: Expand to 1e12 elements is an Error before allocating`, async () => {
    const g = new GraphBuilder();
    g.input('x', 'float32', [1]);
    g.initializer('shape', new Tensor('int64', new BigInt64Array([1_000_000n, 1_000_000n]), [2]));
    g.output(g.op('Expand', ['x', 'shape']));
    try {
      // Shape inference sees the static [1e6, 1e6] output, so create already refuses it.
      await InferenceSession.create(buildModel(g.build()), { executionProviders: [backend] });
      assert.unreachable();
    } catch (e) {
      assert.instance(e, Error);
      assert.match((e as Error).message, /Expand.*(exceeds|limit)/);
    }
  });

  test(`${backend}: concurrent runs of one session each get their own result`, async () => {
    const s = await InferenceSession.create(squeezenet.model, { executionProviders: [backend] });
    const input = squeezenet.dataSets[0].inputs[0] as Tensor<'float32'>;
    const scaled = (k: number) => new Tensor('float32', input.data.map((v) => v * k), input.dims);
    const name = s.inputNames[0];
    const sequential: Value[] = [];
    for (const k of [0.5, 1, 2]) sequential.push((await s.run({ [name]: scaled(k) }))[s.outputNames[0]]);
    const together = await Promise.all([0.5, 1, 2].map(async (k) => (await s.run({ [name]: scaled(k) }))[s.outputNames[0]]));
    together.forEach((v, i) => assert.is(compareValues(v, sequential[i], DEFAULT_TOLERANCE, `run ${i}`), undefined));
    await s.release();
  });

  test(`${backend}: memory stays flat over ${MEMORY_RUNS} runs of light SqueezeNet`, async () => {
    const s = await InferenceSession.create(squeezenet.model, { executionProviders: [backend] });
    const feeds = { [s.inputNames[0]]: squeezenet.dataSets[0].inputs[0] };
    for (let i = 0; i < 3; i++) await s.run(feeds);
    const before = heap();
    for (let i = 0; i < MEMORY_RUNS; i++) await s.run(feeds);
    const growth = heap() - before;
    assert.ok(growth < 8 * 2 ** 20, `heap grew by ${(growth / 2 ** 20).toFixed(1)} MiB over ${MEMORY_RUNS} runs`);
    await s.release();
  });
}

test('every shipped backend is covered', () => {
  assert.ok(backends.length >= 1, 'no accelerated backend is available');
});

test.run();
