/**
 * Runs the conformance suite inside a user's uvu tests: `registerConformanceTests({ backend: 'cpu' })`, with the
 * backend also taken from ONNX_TS_BACKEND. Known failures of that backend are skipped, and passing ones flagged.
 */
import { suite } from 'uvu';
import { discoverCases, findDataRoot } from './cases.js';
import { executeCase, importBackend } from './execute.js';
import { caseKey, loadExpectedFailures } from './expected.js';

export interface UvuConformanceOptions {
  backend?: string;
  data?: string;
  filter?: RegExp;
}

export function registerConformanceTests(options: UvuConformanceOptions = {}): void {
  const backend = options.backend ?? process.env.ONNX_TS_BACKEND ?? 'cpu-ref';
  const cases = discoverCases(findDataRoot(options.data)).filter((c) => !options.filter || options.filter.test(c.name));
  const expected = loadExpectedFailures(backend);
  const s = suite(`conformance on ${backend}`);
  s.before(() => importBackend(backend));
  for (const c of cases) {
    s(`${c.suite}/${c.name}`, async () => {
      const r = await executeCase(c, backend);
      const reason = expected.get(caseKey(r));
      if (reason && r.status === 'pass') throw new Error(`passes but is listed as an expected failure (${reason})`);
      if (!reason && r.status !== 'pass') throw new Error(`${r.status}: ${r.message}`);
    });
  }
  s.run();
}
