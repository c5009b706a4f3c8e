/**
 * Expected-failure lists: `expected-failures/<set>/*.json`, each `{ "test_name": "reason" }` (other suites than
 * node/ prefix the suite: "light/test_resnet50"). A run is checked against them both ways: a new failure and an
 * unexpected pass are both errors, so the lists stay true — except for reasons marked "nondeterministic:", whose tests
 * draw from unseeded generators and may pass by chance.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseResult } from './execute.js';

export function expectedFailuresDir(): string {
  return fileURLToPath(new URL('../expected-failures', import.meta.url));
}

export function caseKey(r: { suite: string; name: string }): string {
  return r.suite === 'node' ? r.name : `${r.suite}/${r.name}`;
}

export function loadExpectedFailures(set: string, dir = expectedFailuresDir()): Map<string, string> {
  const folder = join(dir, set);
  const out = new Map<string, string>();
  if (!existsSync(folder)) return out;
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.json')).sort()) {
    const entries = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Record<string, string>;
    for (const [k, reason] of Object.entries(entries)) out.set(k, reason);
  }
  return out;
}

export interface CheckOutcome {
  newFailures: CaseResult[];
  unexpectedPasses: CaseResult[];
}

/** Reasons starting with this mark tests whose outcome is random (unseeded generators): passing is not news. */
const NONDETERMINISTIC = 'nondeterministic:';

export function checkAgainstExpected(results: readonly CaseResult[], expected: ReadonlyMap<string, string>): CheckOutcome {
  return {
    newFailures: results.filter((r) => r.status !== 'pass' && !expected.has(caseKey(r))),
    unexpectedPasses: results.filter((r) => r.status === 'pass' && expected.has(caseKey(r)) && !expected.get(caseKey(r))!.startsWith(NONDETERMINISTIC)),
  };
}
