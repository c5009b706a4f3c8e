import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession } from '@onnx-ts/core';
import { discoverCases, findDataRoot } from '../src/cases.js';
import { importBackend } from '../src/execute.js';

// CI runs a short loop; MEMORY_RUNS=10000 is the long run the README describes.
const RUNS = Number(process.env.MEMORY_RUNS ?? 40);
const BACKENDS = (process.env.MEMORY_BACKENDS ?? 'cpu-ref').split(',');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
}

for (const backend of BACKENDS) {
  test(`memory stays flat over ${RUNS} runs of light_squeezenet on ${backend}`, async () => {
    await importBackend(backend);
    const light = discoverCases(join(findDataRoot(), 'light')).find((c) => c.name === 'test_squeezenet');
    assert.ok(light, 'light_squeezenet not found');
    const { model, dataSets } = light!.load();
    const session = await InferenceSession.create(model, { executionProviders: [backend] });
    const feeds = { [session.inputNames[0]]: dataSets[0].inputs[0] };
    for (let i = 0; i < 3; i++) await session.run(feeds);
    const before = heapAfterGc();
    for (let i = 0; i < RUNS; i++) await session.run(feeds);
    const growth = heapAfterGc() - before;
    // One run's intermediates are tens of MB; keeping even one extra run's worth would exceed this bound.
    assert.ok(growth < 8 * 2 ** 20, `heap grew by ${(growth / 2 ** 20).toFixed(1)} MiB over ${RUNS} runs`);
    await session.release();
  });
}

test.run();
