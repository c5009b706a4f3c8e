/**
 * Quantization: every output model passes the checker and runs in onnxruntime-node with cosine similarity >= 0.99
 * against the float model (seeded random weights), int8 files at most 0.4× the float file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { saveModel, type Model, type Tensor } from '@onnx-ts/core';
import { cosine, entropyThreshold, paramsForRange, percentileThreshold, quantize, quantizeTensor, quantizeWeightsInt4 } from '../src/index.js';
import { assertChecked, cnnInput, mlpInput, opCounts, randomTensor, runOrt, smallCnn, smallMlp } from './helpers.js';

const cnnSamples = [1, 2, 3, 4].map((s) => ({ x: randomTensor([1, 3, 16, 16], 100 + s) }));
const mlpSamples = [1, 2, 3, 4].map((s) => ({ x: randomTensor([4, 64], 200 + s) }));

async function ortCosine(float: Model, quantized: Model, feeds: Record<string, Tensor>): Promise<number> {
  const a = (await runOrt(float, feeds)).y.data;
  const b = (await runOrt(quantized, feeds)).y.data;
  return cosine(a, b);
}

test('quantization arithmetic: symmetric int8, asymmetric uint8 with exact zero, per-channel and blocked scales', () => {
  assert.equal(paramsForRange(-2, 1, 'int8'), { scale: 2 / 127, zeroPoint: 0 });
  const u = paramsForRange(-1, 3, 'uint8');
  assert.ok(Math.abs(u.scale - 4 / 255) < 1e-12);
  assert.is(u.zeroPoint, 64);
  assert.equal(paramsForRange(2, 3, 'uint8').zeroPoint, 0); // widened to include 0
  const w = randomTensor([4, 6], 1);
  const perChannel = quantizeTensor(w, 'int8', 0);
  assert.equal([...perChannel.scale.dims], [4]);
  const data = w.data as Float32Array;
  const row0Max = Math.max(...Array.from(data.slice(0, 6), Math.abs));
  assert.ok(Math.abs(perChannel.scale.data[0] - row0Max / 127) < 1e-7);
  assert.ok(perChannel.error < 0.01);
  const blocked = quantizeTensor(randomTensor([64, 3], 2), 'int4', 0, 32);
  assert.equal([...blocked.scale.dims], [2, 3]);
  assert.ok((blocked.values.data as Int8Array).every((v) => v >= -8 && v <= 7));
});

test('calibrators: percentile cuts the tail; entropy keeps a flat histogram whole and clips outliers', () => {
  const flat = new Float64Array(1000).fill(1);
  assert.is(percentileThreshold(flat, 50), 500);
  assert.is(percentileThreshold(flat, 100), 1000);
  assert.throws(() => percentileThreshold(flat, 0), /percentile must be in \(0, 100\]/);
  const uniform = new Float64Array(2048).fill(10);
  assert.is(entropyThreshold(uniform, 128), 2048);
  // Mass falling off over the first 200 bins and one outlier at the far end: the threshold stays near the mass.
  const peaked = new Float64Array(2048);
  for (let i = 0; i < 200; i++) peaked[i] = 1000 - 4 * i;
  peaked[2047] = 1;
  const t = entropyThreshold(peaked, 128);
  assert.ok(t >= 200 && t <= 256, `threshold ${t}`);
  // A bell curve (σ = 100 bins) plus one outlier: clipped between 3σ and 6σ.
  const bell = Float64Array.from({ length: 2048 }, (_, i) => Math.round(1e6 * Math.exp(-((i / 100) ** 2) / 2)));
  bell[2047] += 1;
  const b = entropyThreshold(bell, 128);
  assert.ok(b >= 300 && b <= 600, `threshold ${b}`);
});

for (const format of ['qoperator', 'qdq'] as const) {
  for (const perChannel of [false, true]) {
    test(`dynamic ${format}${perChannel ? ' per-channel' : ''}: CNN and MLP, cosine >= 0.99 in onnxruntime, MLP file <= 0.4×`, async () => {
      for (const [model, feeds] of [[smallCnn(), cnnInput()], [smallMlp(), mlpInput()]] as const) {
        const { model: q, report } = await quantize(model, { mode: 'dynamic', format, perChannel });
        assertChecked(q);
        assert.ok(report.quantizedNodes.length >= 2);
        const ops = opCounts(q);
        assert.ok(ops.DynamicQuantizeLinear >= 2);
        if (format === 'qoperator') assert.ok((ops.MatMulInteger ?? 0) + (ops.ConvInteger ?? 0) === report.quantizedNodes.length);
        const c = await ortCosine(model, q, feeds);
        assert.ok(c >= 0.99, `cosine ${c}`);
        const weight = report.tensors.find((t) => t.kind === 'weight')!;
        assert.is(weight.scales.length > 1, perChannel);
      }
      const mlp = smallMlp();
      const ratio = saveModel((await quantize(mlp, { mode: 'dynamic', format, perChannel })).model).length / saveModel(mlp).length;
      assert.ok(ratio <= 0.4, `size ratio ${ratio}`);
    });
  }
}

for (const [format, method, activationType] of [['qdq', 'minmax', 'uint8'], ['qoperator', 'minmax', 'uint8'], ['qdq', 'entropy', 'uint8'], ['qoperator', 'percentile', 'int8']] as const) {
  test(`static ${format}, ${method} calibration, ${activationType} activations: cosine >= 0.99, report per tensor, MLP file <= 0.4×`, async () => {
    for (const [model, feeds, samples] of [[smallCnn(), cnnInput(), cnnSamples], [smallMlp(), mlpInput(), mlpSamples]] as const) {
      const { model: q, report } = await quantize(model, { mode: 'static', format, perChannel: true, activationType, samples, calibration: { method } });
      assertChecked(q);
      const ops = opCounts(q);
      if (format === 'qoperator') assert.ok((ops.QLinearConv ?? 0) + (ops.QLinearMatMul ?? 0) === report.quantizedNodes.length);
      else assert.ok(ops.QuantizeLinear >= 2 && ops.DequantizeLinear >= 4);
      const c = await ortCosine(model, q, feeds);
      assert.ok(c >= 0.99, `cosine ${c}`);
      const activation = report.tensors.find((t) => t.kind === 'activation')!;
      assert.is(activation.type, activationType);
      assert.ok(activation.error !== undefined && activation.error < 0.1, `activation error ${activation.error}`);
      if (activationType === 'int8') assert.is(activation.zeroPoints[0], 0);
      assert.is(report.outputs.length, 1);
      assert.ok(report.outputs[0].cosine >= 0.99);
      if (model.graph.name !== 'mlp') continue;
      // The CNN's weights are a few KB, where the protobuf framing outweighs them; the MLP's are what the ratio measures.
      const ratio = saveModel(q).length / saveModel(model).length;
      assert.ok(ratio <= 0.4, `size ratio ${ratio}`);
    }
  });
}

for (const [mode, format] of [['dynamic', 'qoperator'], ['dynamic', 'qdq'], ['static', 'qoperator'], ['static', 'qdq']] as const) {
  test(`${mode} ${format} per-channel with asymmetric uint8 weights: nonzero weight zero points, cosine >= 0.99 in onnxruntime`, async () => {
    for (const [model, feeds, samples] of [[smallCnn(), cnnInput(), cnnSamples], [smallMlp(), mlpInput(), mlpSamples]] as const) {
      const { model: q, report } = await quantize(model, { mode, format, weightType: 'uint8', perChannel: true, samples });
      assertChecked(q);
      const weights = report.tensors.filter((t) => t.kind === 'weight');
      assert.ok(weights.length >= 2 && weights.every((t) => t.type === 'uint8'));
      assert.ok(weights.some((t) => t.zeroPoints.some((z) => z !== 0)), 'asymmetric weights have zero points other than 0');
      const c = await ortCosine(model, q, feeds);
      assert.ok(c >= 0.99, `cosine ${c}`);
    }
  });
}

test('static quantization chains integer ops: no Dequantize → Quantize pair between two quantized nodes', async () => {
  const { model: q } = await quantize(smallMlp(), { mode: 'static', format: 'qoperator', samples: mlpSamples });
  const producers = new Map(q.graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  for (const n of q.graph.nodes.filter((x) => x.opType === 'QuantizeLinear')) {
    assert.is.not(producers.get(n.inputs[0])?.opType, 'DequantizeLinear');
  }
});

test('int4 weight-only blocked quantization: DequantizeLinear(block_size) at opset 21, cosine >= 0.99, small file', async () => {
  const model = smallMlp(13, 256);
  const { model: q, report } = await quantizeWeightsInt4(model, { blockSize: 32, samples: mlpSamples });
  assertChecked(q);
  assert.is(q.opsetImports.get('ai.onnx'), 21);
  assert.ok(q.irVersion >= 10);
  const dq = q.graph.nodes.filter((n) => n.opType === 'DequantizeLinear');
  assert.is(dq.length, 2);
  assert.equal(dq[0].attributes.find((a) => a.name === 'block_size')?.value, 32);
  const c = await ortCosine(model, q, mlpInput());
  assert.ok(c >= 0.99, `cosine ${c}`);
  assert.ok(report.outputs[0].cosine >= 0.99);
  const ratio = saveModel(q).length / saveModel(model).length;
  assert.ok(ratio <= 0.25, `size ratio ${ratio}`);
});

test('bad options are clear errors', async () => {
  const model = smallMlp();
  let message = '';
  for (const options of [{ mode: 'static' }, { mode: 'fast' }, { mode: 'dynamic', activationType: 'int8' }, { mode: 'dynamic', format: 'onnx' }] as const) {
    try {
      await quantize(model, options as never);
      message = '';
    } catch (e) {
      message = (e as Error).message;
    }
    assert.match(message, /quantize: /);
  }
  let int4 = '';
  await quantizeWeightsInt4(model, { blockSize: 1 }).catch((e: Error) => { int4 = e.message; });
  assert.match(int4, /block size must be an integer >= 2/);
});

test.run();
