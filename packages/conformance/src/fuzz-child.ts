/**
 * Child process of the fuzzer: for seeds [from, to) mutates model (seed mod n), loads it and runs it on FUZZ_BACKEND with
 * small random inputs. Prints `done SEED` after each, or `nonerror SEED detail` when something other than an Error
 * was thrown. A crash or hang shows as silence.
 */
import { readFileSync } from 'node:fs';
import { InferenceSession, Tensor, allocData, type Value, type ValueMetadata } from '@onnx-ts/core';
import { importBackend } from './execute.js';
import { mutate } from './fuzz.js';

const [from, to, ...models] = process.argv.slice(2);
const originals = models.map((m) => new Uint8Array(readFileSync(m)));
const backend = process.env.FUZZ_BACKEND || 'cpu-ref';
await importBackend(backend, process.env.FUZZ_BACKEND_MODULE || undefined);

/** Inputs with every unknown dim 2, skipped (undefined) when the declared shape is too large to be worth running. */
function feedFor(meta: ValueMetadata): Value | undefined {
  if (!meta.isTensor || !meta.type) return undefined;
  const dims = (meta.shape ?? []).map((d) => (typeof d === 'number' ? d : 2));
  const size = dims.reduce((a, b) => a * b, 1);
  if (size > 1 << 20) return undefined;
  const data = allocData(meta.type, size);
  if (meta.type === 'float32' || meta.type === 'float64') (data as Float32Array).fill(0.5);
  return new Tensor(meta.type, data, dims);
}

for (let seed = Number(from); seed < Number(to); seed++) {
  const { bytes } = mutate(originals[seed % originals.length], seed);
  try {
    const session = await InferenceSession.create(bytes, { executionProviders: [backend], maxTensorBytes: 256 * 2 ** 20, runTimeoutMs: 5_000 });
    const feeds: Record<string, Value> = {};
    let runnable = true;
    for (const meta of session.inputMetadata) {
      const f = feedFor(meta);
      if (f === undefined) runnable = false;
      else feeds[meta.name] = f;
    }
    if (runnable) await session.run(feeds);
  } catch (e) {
    if (!(e instanceof Error)) {
      console.log(`nonerror ${seed} ${typeof e}: ${String(e).slice(0, 200)}`);
      continue;
    }
  }
  console.log(`done ${seed}`);
}
