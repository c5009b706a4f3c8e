import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkAgainstExpected, type CaseResult } from '../src/index.js';

const result = (name: string, status: CaseResult['status']): CaseResult => ({ suite: 'node', name, status, durationMs: 0, ops: [], accelerated: [] });

test('new failures and unexpected passes are both reported; nondeterministic entries may pass', () => {
  const expected = new Map([
    ['test_listed', 'a spec point'],
    ['test_random', 'nondeterministic: unseeded'],
  ]);
  const outcome = checkAgainstExpected([
    result('test_new', 'fail'), result('test_listed', 'pass'), result('test_random', 'pass'), result('test_ok', 'pass'),
  ], expected);
  assert.equal(outcome.newFailures.map((r) => r.name), ['test_new']);
  assert.equal(outcome.unexpectedPasses.map((r) => r.name), ['test_listed']);
});

test.run();
