/**
 * Intra-op parallelism: worker threads (worker_threads in Node, Web Workers in cross-origin isolated browsers) that
 * each instantiate the kernel module on the same shared memory. A job is one export called on every thread with the
 * job block; the threads split its tiles through an atomic counter in the block. The calling thread works too, so a
 * pool of n threads has n - 1 workers.
 *
 * Control words (Int32, at CONTROL_AT): 0 generation (bumped per job), 1 export index, 2 job address,
 * 3 workers finished, 4 workers taking part.
 */
import { CONTROL_AT, wasmRuntime, type WasmRuntime } from './wasm.js';

/** Exports a job may name; workers look them up by index. */
export const JOB_EXPORTS = ['gemmJob', 'depthwiseJob', 'poolJob', 'gemvJob', 'winogradInputJob', 'winogradOutputJob', 'elementwiseJob', 'im2colJob'] as const;
export type JobExport = (typeof JOB_EXPORTS)[number];

const GENERATION = 0, EXPORT = 1, JOB = 2, FINISHED = 3, TAKING_PART = 4;

/** The worker's body, run as a classic script; `start` receives what the pool sends and never returns. */
const WORKER_BODY = `
function start(data) {
  const instance = new WebAssembly.Instance(data.module, { env: { memory: data.memory } });
  const control = new Int32Array(data.memory.buffer, data.control, 8);
  const jobs = data.exports.map((name) => instance.exports[name]);
  let seen = Atomics.load(control, ${GENERATION});
  data.ready();
  for (;;) {
    let spins = 0;
    while (Atomics.load(control, ${GENERATION}) === seen && spins < 50000) spins++;
    if (Atomics.load(control, ${GENERATION}) === seen) Atomics.wait(control, ${GENERATION}, seen);
    seen = Atomics.load(control, ${GENERATION});
    if (data.tid > Atomics.load(control, ${TAKING_PART})) continue;
    jobs[Atomics.load(control, ${EXPORT})](Atomics.load(control, ${JOB}), data.tid);
    Atomics.add(control, ${FINISHED}, 1);
    Atomics.notify(control, ${FINISHED});
  }
}
`;

const NODE_WORKER = `${WORKER_BODY}
const { parentPort, workerData } = require('node:worker_threads');
start({ ...workerData, ready: () => parentPort.postMessage('ready') });
`;

const WEB_WORKER = `${WORKER_BODY}
self.onmessage = (e) => start({ ...e.data, ready: () => self.postMessage('ready') });
`;

/** A started worker (worker_threads or Web Worker); kept so the pool knows how many it has. */
type WorkerHandle = object;

const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

let workers: WorkerHandle[] = [];
let starting: Promise<void> | undefined;
let threads = 1;

/** The number of threads a job uses now (the caller plus ready workers). */
export function activeThreads(): number {
  return Math.min(threads, workers.length + 1);
}

/** The default: every core (Node), the browser's hardwareConcurrency where memory can be shared, else 1. */
export async function defaultThreads(): Promise<number> {
  if (!wasmRuntime().shared) return 1;
  if (isNode) {
    const os = await import('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  }
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

/** Sets how many threads jobs use, starting workers as needed (never more than 64). */
export async function setThreads(count: number): Promise<void> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`backend-cpu: thread count must be a positive integer, got ${count}`);
  const rt = wasmRuntime();
  threads = rt.shared ? Math.min(count, 64) : 1;
  await starting;
  if (workers.length + 1 >= threads) return;
  starting = spawn(rt, threads - 1 - workers.length);
  await starting;
  starting = undefined;
}

async function spawn(rt: WasmRuntime, count: number): Promise<void> {
  const base = workers.length;
  const started = await Promise.all(Array.from({ length: count }, (_, i) => startWorker(rt, base + i + 1)));
  workers = [...workers, ...started];
}

async function startWorker(rt: WasmRuntime, tid: number): Promise<WorkerHandle> {
  const data = { module: rt.module, memory: rt.memory, control: CONTROL_AT, tid, exports: [...JOB_EXPORTS] };
  if (isNode) {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(NODE_WORKER, { eval: true, workerData: data });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    // Idle workers must not keep the process alive.
    worker.unref();
    return worker;
  }
  const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: 'text/javascript' }));
  const worker = new Worker(url);
  worker.postMessage(data);
  await new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (e) => reject(new Error(`backend-cpu: worker failed to start: ${e.message}`));
  });
  URL.revokeObjectURL(url);
  return worker;
}

/**
 * Runs `name` with the job block at `job` on `parts` threads (at most the active ones) and returns when all are done.
 * The export resets nothing itself: the caller zeroes the block's tile counter first.
 */
export function runJob(name: JobExport, job: number, parts: number): void {
  const rt = wasmRuntime();
  const fn = rt.exports[name];
  const helpers = Math.min(parts, activeThreads()) - 1;
  if (helpers <= 0) {
    fn(job, 0);
    return;
  }
  const control = rt.i32().subarray(CONTROL_AT >> 2, (CONTROL_AT >> 2) + 8);
  Atomics.store(control, EXPORT, JOB_EXPORTS.indexOf(name));
  Atomics.store(control, JOB, job);
  Atomics.store(control, FINISHED, 0);
  Atomics.store(control, TAKING_PART, helpers);
  Atomics.add(control, GENERATION, 1);
  Atomics.notify(control, GENERATION);
  fn(job, 0);
  let spins = 0;
  for (;;) {
    const finished = Atomics.load(control, FINISHED);
    if (finished >= helpers) break;
    // Node's main thread may block; a browser's main thread may not, so it keeps spinning there.
    if (++spins > 2000 && isNode) Atomics.wait(control, FINISHED, finished, 1);
  }
}
