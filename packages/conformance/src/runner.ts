/**
 * Runs test cases in worker threads with a per-case time limit: a case that hangs or crashes its worker is
 * reported and the worker replaced, so the run always finishes.
 */
import { Worker } from 'node:worker_threads';
import type { TestCase } from './cases.js';
import type { CaseResult } from './execute.js';
import type { CaseRequest } from './worker.js';

export interface RunOptions {
  backend: string;
  /** Resolved URL of the backend's package, when this package cannot resolve it itself. */
  backendModule?: string;
  /** Per-case limit in milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Worker threads (default 1). */
  workers?: number;
  onResult?: (result: CaseResult, done: number, total: number) => void;
}

function workerUrl(): URL {
  const fromSource = import.meta.url.endsWith('.ts');
  return new URL(fromSource ? './worker-source.mjs' : './worker.js', import.meta.url);
}

class CaseWorker {
  private worker!: Worker;
  private ready!: Promise<void>;
  private pending: ((r: CaseResult) => void) | undefined;

  constructor(private readonly backend: string, private readonly backendModule: string | undefined) {
    this.start();
  }

  private start(): void {
    this.worker = new Worker(workerUrl(), {
      workerData: { backend: this.backend, backendModule: this.backendModule },
      execArgv: process.execArgv,
      resourceLimits: { maxOldGenerationSizeMb: 8192 },
    });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }) => {
        if (m.ready) {
          this.worker.off('error', reject);
          resolve();
        }
      };
      this.worker.once('message', onMessage);
      this.worker.once('error', reject);
    });
    this.worker.on('message', (m: { id?: number; result?: CaseResult }) => {
      if (m.result && this.pending) {
        const p = this.pending;
        this.pending = undefined;
        p(m.result);
      }
    });
  }

  async run(test: TestCase, id: number, timeoutMs: number): Promise<CaseResult> {
    await this.ready;
    const started = performance.now();
    const failed = (status: 'timeout' | 'error', message: string): CaseResult => ({
      suite: test.suite, name: test.name, status, message, durationMs: performance.now() - started, ops: [], accelerated: [],
    });
    return new Promise<CaseResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        void this.restart().then(() => resolve(failed('timeout', `no result within ${timeoutMs} ms`)));
      }, timeoutMs);
      const onExit = (code: number) => {
        clearTimeout(timer);
        this.pending = undefined;
        void this.restart().then(() => resolve(failed('error', `worker died (exit code ${code})`)));
      };
      this.worker.once('exit', onExit);
      this.pending = (r) => {
        clearTimeout(timer);
        this.worker.off('exit', onExit);
        resolve(r);
      };
      const request: CaseRequest = { id, suite: test.suite, name: test.name, modelPath: test.modelPath };
      this.worker.postMessage(request);
    });
  }

  private async restart(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
    this.start();
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

export async function runCases(cases: readonly TestCase[], options: RunOptions): Promise<CaseResult[]> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const workers = Array.from({ length: Math.max(1, Math.min(options.workers ?? 1, cases.length)) }, () => new CaseWorker(options.backend, options.backendModule));
  const results = new Array<CaseResult>(cases.length);
  let next = 0;
  let done = 0;
  try {
    await Promise.all(workers.map(async (w) => {
      while (next < cases.length) {
        const i = next++;
        results[i] = await w.run(cases[i], i, timeoutMs);
        options.onResult?.(results[i], ++done, cases.length);
      }
    }));
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
  return results;
}
