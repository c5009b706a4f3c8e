/** Running one test case in this thread: load, create a session on the backend, run every data set, compare. */
import { InferenceSession } from '@onnx-ts/core';
import { opTypesOf, type TestCase } from './cases.js';
import { compareValues } from './compare.js';

export type Status = 'pass' | 'fail' | 'error' | 'timeout';

export interface CaseResult {
  suite: string;
  name: string;
  status: Status;
  message?: string;
  durationMs: number;
  ops: string[];
  /** Op types of the nodes the tested backend (not its fallback) ran. */
  accelerated: string[];
}

/** Package that registers each backend when imported. */
export const BACKEND_PACKAGES: Record<string, string> = {
  'cpu-ref': '@onnx-ts/backend-cpu-ref',
  cpu: '@onnx-ts/backend-cpu',
  gpu: '@onnx-ts/backend-gpu',
  webgpu: '@onnx-ts/backend-gpu',
  arm: '@onnx-ts/backend-arm',
};

/**
 * Imports cpu-ref and the backend's package. `moduleUrl` is where the caller resolved that package (a CLI or test
 * depending on the backend), since this package does not depend on the backends it tests.
 */
export async function importBackend(name: string, moduleUrl?: string): Promise<void> {
  await import('@onnx-ts/backend-cpu-ref');
  const pkg = moduleUrl ?? BACKEND_PACKAGES[name];
  if (!pkg) throw new Error(`unknown backend '${name}' (known: ${Object.keys(BACKEND_PACKAGES).join(', ')})`);
  await import(pkg);
}

export async function executeCase(test: TestCase, backend: string): Promise<CaseResult> {
  const started = performance.now();
  const base = { suite: test.suite, name: test.name, ops: [] as string[], accelerated: [] as string[] };
  const done = (status: Status, message?: string): CaseResult => ({ ...base, status, message, durationMs: performance.now() - started });
  let session: InferenceSession | undefined;
  try {
    const { model, dataSets } = test.load();
    base.ops = opTypesOf(model);
    session = await InferenceSession.create(model, { executionProviders: [backend] });
    base.accelerated = [...new Set(session.placement.filter((p) => p.backend === backend && backend !== 'cpu-ref').map((p) => p.opType))];
    for (const [s, set] of dataSets.entries()) {
      const feeds = Object.fromEntries(session.inputNames.map((name, i) => [name, set.inputs[i]]));
      const out = await session.run(feeds);
      for (const [i, name] of session.outputNames.entries()) {
        if (i >= set.outputs.length) break;
        const mismatch = compareValues(out[name], set.outputs[i], test.tolerance, `data set ${s}, output '${name}'`);
        if (mismatch) return done('fail', mismatch);
      }
    }
    return done('pass');
  } catch (e) {
    return done('error', e instanceof Error ? e.message : `non-Error thrown: ${String(e)}`);
  } finally {
    await session?.release();
  }
}
