/** Measuring a quantized model: per-activation quantization error and output error against the float model. */
import { InferenceSession, isTensor, type Model, type Tensor, type Value } from '@onnx-ts/core';
import { toNumbers } from '@onnx-ts/backend-cpu-ref';
import { errorStats, quantizeValue, type ErrorStats, type QuantType } from './params.js';

export interface OutputError extends ErrorStats {
  name: string;
}

async function runAll(model: Model, samples: readonly Record<string, Value>[], capture: boolean): Promise<Map<string, Value>[]> {
  const session = await InferenceSession.create(model, { executionProviders: ['cpu-ref'], graphOptimizationLevel: 'disabled', captureIntermediates: capture });
  const results: Map<string, Value>[] = [];
  for (const feeds of samples) {
    const out = await session.run(feeds);
    results.push(capture ? new Map(session.lastIntermediates()) : new Map(Object.entries(out)));
  }
  await session.release();
  return results;
}

/** Concatenated float values of one output over all samples. */
function gather(results: Map<string, Value>[], name: string): Float64Array | undefined {
  const parts: Float64Array[] = [];
  for (const r of results) {
    const v = r.get(name);
    if (!isTensor(v) || v.type === 'string') return undefined;
    parts.push(toNumbers(v as Tensor));
  }
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Error of each graph output of `quantized` against `reference`, both run on the reference backend. */
export async function compareOnSamples(reference: Model, quantized: Model, samples: readonly Record<string, Value>[]): Promise<OutputError[]> {
  const expected = await runAll(reference, samples, false);
  const got = await runAll(quantized, samples, false);
  const out: OutputError[] = [];
  for (const o of reference.graph.outputs) {
    const a = gather(expected, o.name);
    const b = gather(got, o.name);
    if (a && b && a.length === b.length) out.push({ name: o.name, ...errorStats(a, b) });
  }
  return out;
}

/**
 * For each activation in `tensors`, the relative RMS error of quantizing and dequantizing its float values (from
 * running `float` on the samples) with the chosen scale and zero point.
 */
export async function fakeQuantErrors(
  float: Model, samples: readonly Record<string, Value>[], tensors: readonly { name: string; kind: string; scales: number[]; zeroPoints: number[] }[], type: QuantType,
): Promise<Map<string, number>> {
  const activations = tensors.filter((t) => t.kind === 'activation');
  const results = await runAll(float, samples, true);
  const errors = new Map<string, number>();
  for (const t of activations) {
    const values = gather(results, t.name);
    if (!values) continue;
    const p = { scale: t.scales[0], zeroPoint: t.zeroPoints[0] };
    const back = values.map((v) => (quantizeValue(v, p, type) - p.zeroPoint) * p.scale);
    errors.set(t.name, errorStats(values, back).relativeRmse);
  }
  return errors;
}
