/** Summaries of a conformance run: counts per suite and per op type, as JSON and Markdown. */
import type { CaseResult } from './execute.js';
import { caseKey } from './expected.js';

export interface Tally {
  pass: number;
  fail: number;
  total: number;
}

export interface Summary {
  backend: string;
  totals: Tally;
  suites: Record<string, Tally>;
  /** A test counts for every op type its model uses. */
  ops: Record<string, Tally>;
  /** Op types the backend itself (not the cpu-ref fallback) ran. */
  acceleratedOps: string[];
}

function add(t: Record<string, Tally>, key: string, pass: boolean): void {
  const e = (t[key] ??= { pass: 0, fail: 0, total: 0 });
  e.total++;
  if (pass) e.pass++;
  else e.fail++;
}

export function summarize(backend: string, results: readonly CaseResult[]): Summary {
  const suites: Record<string, Tally> = {};
  const ops: Record<string, Tally> = {};
  const accelerated = new Set<string>();
  for (const r of results) {
    const pass = r.status === 'pass';
    add(suites, r.suite, pass);
    for (const op of r.ops) add(ops, op, pass);
    for (const op of r.accelerated) accelerated.add(op);
  }
  const pass = results.filter((r) => r.status === 'pass').length;
  return { backend, totals: { pass, fail: results.length - pass, total: results.length }, suites, ops, acceleratedOps: [...accelerated].sort() };
}

const pct = (t: Tally): string => (t.total ? ((100 * t.pass) / t.total).toFixed(1) : '0.0');

export function markdownReport(summary: Summary, results: readonly CaseResult[], expected: ReadonlyMap<string, string>): string {
  const lines = [`# Conformance: ${summary.backend}`, '', `${summary.totals.pass} passed, ${summary.totals.fail} failed of ${summary.totals.total} (${pct(summary.totals)}%)`, ''];
  lines.push('| suite | passed | failed | total | % |', '|---|---|---|---|---|');
  for (const [s, t] of Object.entries(summary.suites)) lines.push(`| ${s} | ${t.pass} | ${t.fail} | ${t.total} | ${pct(t)} |`);
  lines.push('', '## By op type', '', '| op | passed | failed |', '|---|---|---|');
  for (const [op, t] of Object.entries(summary.ops).sort()) lines.push(`| ${op} | ${t.pass} | ${t.fail} |`);
  if (summary.backend !== 'cpu-ref') {
    lines.push('', `## Ops run on ${summary.backend}`, '', summary.acceleratedOps.join(', ') || '(none)');
  }
  const failures = results.filter((r) => r.status !== 'pass');
  if (failures.length) {
    lines.push('', '## Failures', '', '| test | status | expected? | message |', '|---|---|---|---|');
    for (const r of failures) {
      const reason = expected.get(caseKey(r));
      lines.push(`| ${caseKey(r)} | ${r.status} | ${reason ? `yes: ${reason}` : 'NEW'} | ${(r.message ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 300)} |`);
    }
  }
  return lines.join('\n') + '\n';
}
