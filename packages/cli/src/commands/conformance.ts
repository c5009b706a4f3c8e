/** `onnx-ts conformance`: the ONNX backend test suite against one backend (or every one that exists). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import {
  BACKEND_PACKAGES, caseKey, checkAgainstExpected, discoverCases, findDataRoot, loadExpectedFailures, markdownReport,
  runCases, summarize, type CaseResult, type TestCase,
} from '@onnx-ts/conformance';

export interface ConformanceOptions {
  backend: string[];
  data?: string;
  filter?: string;
  json?: string;
  report?: string;
  timeout: string;
  workers: string;
  check?: boolean;
  expected?: string;
  quiet?: boolean;
}

function writeOut(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Where this CLI resolves a backend's package, for the conformance workers to import. */
function backendModuleUrl(backend: string): string | undefined {
  const pkg = BACKEND_PACKAGES[backend];
  try {
    return pkg ? import.meta.resolve(pkg) : undefined;
  } catch {
    return undefined;
  }
}

function progress(total: number, label: string, quiet: boolean): (r: CaseResult, done: number) => void {
  if (quiet) return () => {};
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {test}`, hideCursor: true, stream: process.stderr }, Presets.shades_classic);
    bar.start(total, 0, { test: '' });
    return (r, done) => {
      bar.update(done, { test: r.name });
      if (done === total) bar.stop();
    };
  }
  const step = Math.max(1, Math.floor(total / 10));
  return (_r, done) => {
    if (done % step === 0 || done === total) process.stderr.write(`${label}: ${done}/${total}\n`);
  };
}

/** Runs the suite; returns the process exit code (1 when --check finds a regression or an unexpected pass). */
export async function conformanceCommand(opts: ConformanceOptions): Promise<number> {
  const root = findDataRoot(opts.data);
  const filter = opts.filter ? new RegExp(opts.filter) : undefined;
  const cases: TestCase[] = discoverCases(root).filter((c) => !filter || filter.test(c.name) || filter.test(caseKey(c)));
  if (!cases.length) throw new Error(`no test cases under ${root}${filter ? ` match ${filter}` : ''}`);
  let exit = 0;
  const overall = { passed: 0, failed: 0, skipped: 0 };
  for (const backend of opts.backend) {
    const expected = loadExpectedFailures(opts.expected ?? backend);
    const results = await runCases(cases, {
      backend,
      backendModule: backendModuleUrl(backend),
      timeoutMs: Number(opts.timeout),
      workers: Number(opts.workers),
      onResult: progress(cases.length, backend, !!opts.quiet),
    });
    const summary = summarize(backend, results);
    const suffix = opts.backend.length > 1 ? `.${backend}` : '';
    if (opts.json) writeOut(opts.json.replace(/(\.json)?$/, `${suffix}.json`), JSON.stringify({ summary, results }, null, 1));
    if (opts.report) writeOut(opts.report.replace(/(\.md)?$/, `${suffix}.md`), markdownReport(summary, results, expected));
    for (const [suite, t] of Object.entries(summary.suites)) console.log(`${backend} ${suite}: ${t.pass}/${t.total} passed`);
    if (backend !== 'cpu-ref') console.log(`${backend} ran: ${summary.acceleratedOps.join(', ') || '(no ops)'}`);
    const { newFailures, unexpectedPasses } = checkAgainstExpected(results, expected);
    for (const r of newFailures) console.log(`  FAIL ${caseKey(r)} [${r.status}] ${r.message ?? ''}`.slice(0, 400));
    for (const r of unexpectedPasses) console.log(`  UNEXPECTED PASS ${caseKey(r)} (listed: ${expected.get(caseKey(r))})`);
    console.log(`${backend}: ${summary.totals.pass} passed, ${summary.totals.fail} failed (${newFailures.length} new failures, ${unexpectedPasses.length} unexpected passes)`);
    if (opts.check && (newFailures.length || unexpectedPasses.length)) exit = 1;
    overall.passed += summary.totals.pass - unexpectedPasses.length;
    overall.failed += newFailures.length + unexpectedPasses.length;
    overall.skipped += results.length - summary.totals.pass - newFailures.length;
  }
  // Expected failures count as skipped: the verdict is about regressions against the lists.
  console.log(`conformance: ${overall.passed} passed, ${overall.failed} failed, ${overall.skipped} skipped`);
  return exit;
}
