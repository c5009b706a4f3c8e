import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The ONNX backend test data (ONNX_TEST_DATA or ../shared beside the repo). */
export function testDataRoot(): string {
  const root = process.env.ONNX_TEST_DATA ?? resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../../../shared/onnx-backend-test-data');
  if (!existsSync(join(root, 'node'))) throw new Error(`ONNX test data not found at ${root}; set ONNX_TEST_DATA`);
  return root;
}

/** Every model file of the suite. */
export function allModelPaths(root = testDataRoot()): string[] {
  const out: string[] = [];
  for (const suite of ['node', 'simple', 'pytorch-converted', 'pytorch-operator']) {
    const dir = join(root, suite);
    if (!existsSync(dir)) continue;
    for (const t of readdirSync(dir)) if (existsSync(join(dir, t, 'model.onnx'))) out.push(join(dir, t, 'model.onnx'));
  }
  const light = join(root, 'light');
  if (existsSync(light)) for (const f of readdirSync(light)) if (f.endsWith('.onnx')) out.push(join(light, f));
  return out;
}
