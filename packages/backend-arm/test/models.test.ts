/**
 * Whole models quantized or converted by @onnx-ts/optimizer run on 'arm' and agree with the reference backend on
 * the same model: a transformer encoder (static QDQ, dynamic MatMulInteger, int4 weight-only, float16) and light
 * SqueezeNet (static QDQ).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor, decodeModel, float16ToNumber, type Model } from '@onnx-ts/core';
import { convertToFloat16, quantize, quantizeWeightsInt4, randomSamples } from '@onnx-ts/optimizer';
import { findDataRoot } from '@onnx-ts/conformance';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastPathCounts } from '../src/index.js';
import { buildEncoder, encoderInput, type EncoderShape } from '../bench/transformer.js';
import { runOn } from './helpers.js';

const TINY: EncoderShape = { tokens: 12, width: 32, heads: 2, hidden: 64, layers: 2 };

/** Largest |arm − reference| over the first output, and the output's largest magnitude. */
async function agreement(model: Model, feeds: Record<string, Tensor>): Promise<{ diff: number; scale: number; ops: Map<string, number> }> {
  const before = new Map(fastPathCounts());
  const arm = await runOn(model, feeds, 'arm');
  const ops = new Map([...fastPathCounts()].map(([op, n]) => [op, n - (before.get(op) ?? 0)]));
  const ref = await runOn(model, feeds, 'cpu-ref');
  const values = (t: Tensor): Float32Array => (t.type === 'float16' ? Float32Array.from(t.data as Uint16Array, float16ToNumber) : (t.data as Float32Array));
  const [a, r] = [values(arm.outputs[0]), values(ref.outputs[0])];
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - r[i]));
    scale = Math.max(scale, Math.abs(r[i]));
  }
  return { diff, scale, ops };
}

const encoder = buildEncoder(TINY);
const feeds = encoderInput(TINY);

test('transformer encoder, static QDQ int8: integer MatMuls, same output as the reference', async () => {
  const { model } = await quantize(encoder, { mode: 'static', perChannel: true, samples: [feeds] });
  const { diff, scale, ops } = await agreement(model, feeds);
  assert.ok((ops.get('MatMul') ?? 0) >= 6 * TINY.layers, `integer MatMuls: ${ops.get('MatMul')}`);
  // Every integer sum is exact and each result is requantized: only rare rounding ties can differ.
  assert.ok(diff <= 1e-3 * scale, `max difference ${diff} (output scale ${scale})`);
});

test('transformer encoder, dynamic int8 (DynamicQuantizeLinear + MatMulInteger)', async () => {
  const { model } = await quantize(encoder, { mode: 'dynamic', perChannel: true });
  const { diff, scale, ops } = await agreement(model, feeds);
  assert.ok((ops.get('MatMulInteger') ?? 0) >= 6 * TINY.layers && (ops.get('DynamicQuantizeLinear') ?? 0) > 0);
  assert.ok(diff <= 1e-4 * scale, `max difference ${diff} (output scale ${scale})`);
});

test('transformer encoder, int4 weight-only (blocked DequantizeLinear)', async () => {
  const { model } = await quantizeWeightsInt4(encoder, { blockSize: 16 });
  const { diff, scale, ops } = await agreement(model, feeds);
  assert.ok((ops.get('MatMul') ?? 0) >= 6 * TINY.layers, `compressed MatMuls: ${ops.get('MatMul')}`);
  assert.ok(diff <= 1e-4 * scale, `max difference ${diff} (output scale ${scale})`);
});

test('transformer encoder, float16', async () => {
  const { model } = convertToFloat16(encoder);
  const { diff, scale, ops } = await agreement(model, feeds);
  assert.ok((ops.get('MatMul') ?? 0) >= 6 * TINY.layers, `float16 MatMuls: ${ops.get('MatMul')}`);
  // float16 outputs: a few units in the last place of float16 through two layers.
  assert.ok(diff <= 1e-2 * scale, `max difference ${diff} (output scale ${scale})`);
});

/** light SqueezeNet of the ONNX test data (found as the conformance runner finds it), if present. */
function lightSqueezenet(): string | undefined {
  try {
    const path = join(findDataRoot(), 'light', 'light_squeezenet.onnx');
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const squeezenet = lightSqueezenet();

test('light SqueezeNet, static QDQ int8: integer Convs, every Conv output as the reference', async () => {
  if (!squeezenet) {
    console.log('  skipped: no light models in the ONNX test data (set ONNX_TEST_DATA)');
    return;
  }
  const model = decodeModel(readFileSync(squeezenet));
  const samples = randomSamples(model, 1, 1) as Record<string, Tensor>[];
  const { model: int8 } = await quantize(model, { mode: 'static', perChannel: true, samples });
  // The light models' weights are constants, so the final softmax is flat: compare what every Conv produces.
  const before = fastPathCounts().get('Conv') ?? 0;
  const values = async (backend: string) => {
    const session = await InferenceSession.create(int8, { executionProviders: [backend], captureIntermediates: true, graphOptimizationLevel: 'disabled' });
    await session.run(samples[0]);
    return session.lastIntermediates();
  };
  const [arm, ref] = [await values('arm'), await values('cpu-ref')];
  assert.is((fastPathCounts().get('Conv') ?? 0) - before, 26);
  const convOutputs = int8.graph.nodes.filter((n) => n.opType === 'Conv').map((n) => n.outputs[0]);
  for (const name of convOutputs) {
    const [a, r] = [arm.get(name) as Tensor, ref.get(name) as Tensor];
    const [x, y] = [a.data as Float32Array, r.data as Float32Array];
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < x.length; i++) {
      diff = Math.max(diff, Math.abs(x[i] - y[i]));
      scale = Math.max(scale, Math.abs(y[i]));
    }
    assert.ok(scale > 0 && diff <= 1e-3 * scale, `${name}: max difference ${diff} (scale ${scale})`);
  }
});

test.run();
