/**
 * Intra-op parallelism: worker threads (worker_threads in Node, Web Workers in cross-origin isolated browsers) that
 * each instantiate a kernel module on the same shared memory (imported as env.memory). A job is one export called on
 * every thread with the job block; the threads split its tiles through an atomic counter in the block. The calling
 * thread works too, so a pool of n threads has n - 1 workers. `createPool` makes a pool for any such module (the
 * 'arm' backend has its own); the functions exported at the bottom are backend-cpu's pool over its kernel module.
 *
 * Control words (Int32, at the target's `control` address; CONTROL_AT for backend-cpu): 0 generation (bumped per
 * job), 1 export index, 2 job address, 3 workers finished, 4 workers taking part, 5 workers joined (CLOSED added once
 * the caller's own share is done).
 *
 * The caller waits only for the workers that joined before it closed the job: when the machine is busy, a worker
 * that is not scheduled in time finds the job closed and skips it, instead of every job waiting for it. The tiles
 * are claimed through an atomic counter, so whoever joins does the work that is left.
 */
import { CONTROL_AT, wasmRuntime } from './wasm.js';

/** Exports of backend-cpu's module a job may name; workers look them up by index. */
export const JOB_EXPORTS = ['gemmJob', 'depthwiseJob', 'poolJob', 'gemvJob', 'winogradInputJob', 'winogradOutputJob', 'elementwiseJob', 'im2colJob'] as const;
export type JobExport = (typeof JOB_EXPORTS)[number];

const GENERATION = 0, EXPORT = 1, JOB = 2, FINISHED = 3, TAKING_PART = 4, JOINED = 5;
/** Added to JOINED when the caller closes a job; a worker that finds it set does not join. */
const CLOSED = 1 << 20;

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
    if (Atomics.add(control, ${JOINED}, 1) >= ${CLOSED}) continue;
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

/** A started worker (worker_threads or Web Worker). */
type WorkerHandle = { terminate(): unknown };

const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/** A module the pool runs jobs of: the thread pool instantiates `module` on `memory` in each worker. */
export interface PoolTarget<Name extends string> {
  /** Names errors (e.g. 'backend-cpu'). */
  owner: string;
  module: WebAssembly.Module;
  /** Imported by the module as env.memory; threads run only when it is shared. */
  memory: WebAssembly.Memory;
  shared: boolean;
  /** The calling thread's instance exports. */
  exports: { [N in Name]: (job: number, tid: number) => void };
  /** Job exports by name; workers look them up by index. */
  jobExports: readonly Name[];
  /** Byte address of 8 int32 control words in `memory` that nothing else writes. */
  control: number;
}

export interface Pool<Name extends string> {
  /** The number of threads a job uses now (the caller plus ready workers). */
  activeThreads(): number;
  /** Sets how many threads jobs use, starting workers as needed (never more than 64). */
  setThreads(count: number): Promise<void>;
  /** The default: every core (Node), the browser's hardwareConcurrency where memory can be shared, else 1. */
  defaultThreads(): Promise<number>;
  /**
   * Runs `name` with the job block at `job` on `parts` threads (at most the active ones) and returns when all are
   * done. The export resets nothing itself: the caller zeroes the block's tile counter first.
   */
  runJob(name: Name, job: number, parts: number): void;
  /** Stops the workers (for a pool whose module is dropped); later jobs run on the calling thread until setThreads. */
  close(): void;
}

export function createPool<Name extends string>(target: PoolTarget<Name>): Pool<Name> {
  let workers: WorkerHandle[] = [];
  let starting: Promise<void> | undefined;
  let threads = 1;
  let control: Int32Array | undefined;

  const activeThreads = (): number => Math.min(threads, workers.length + 1);

  async function startWorker(tid: number): Promise<WorkerHandle> {
    const data = { module: target.module, memory: target.memory, control: target.control, tid, exports: [...target.jobExports] };
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
      worker.onerror = (e) => reject(new Error(`${target.owner}: worker failed to start: ${e.message}`));
    });
    URL.revokeObjectURL(url);
    return worker;
  }

  async function spawn(count: number): Promise<void> {
    const base = workers.length;
    const started = await Promise.all(Array.from({ length: count }, (_, i) => startWorker(base + i + 1)));
    workers = [...workers, ...started];
  }

  return {
    activeThreads,
    async setThreads(count: number): Promise<void> {
      if (!Number.isInteger(count) || count < 1) throw new Error(`${target.owner}: thread count must be a positive integer, got ${count}`);
      threads = target.shared ? Math.min(count, 64) : 1;
      await starting;
      if (workers.length + 1 >= threads) return;
      starting = spawn(threads - 1 - workers.length);
      await starting;
      starting = undefined;
    },
    async defaultThreads(): Promise<number> {
      if (!target.shared) return 1;
      if (isNode) {
        const os = await import('node:os');
        return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
      }
      return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
    },
    runJob(name: Name, job: number, parts: number): void {
      const fn = target.exports[name];
      const helpers = Math.min(parts, activeThreads()) - 1;
      if (helpers <= 0) {
        fn(job, 0);
        return;
      }
      // A shared memory's buffers never detach, so a view made once stays valid as the memory grows.
      control ??= new Int32Array(target.memory.buffer, target.control, 8);
      Atomics.store(control, EXPORT, target.jobExports.indexOf(name));
      Atomics.store(control, JOB, job);
      Atomics.store(control, FINISHED, 0);
      Atomics.store(control, TAKING_PART, helpers);
      Atomics.store(control, JOINED, 0);
      Atomics.add(control, GENERATION, 1);
      Atomics.notify(control, GENERATION);
      fn(job, 0);
      const joined = Atomics.add(control, JOINED, CLOSED);
      let spins = 0;
      for (;;) {
        const finished = Atomics.load(control, FINISHED);
        if (finished >= joined) break;
        // Node's main thread may block; a browser's main thread may not, so it keeps spinning there.
        if (++spins > 2000 && isNode) Atomics.wait(control, FINISHED, finished, 1);
      }
    },
    close(): void {
      for (const worker of workers) worker.terminate();
      workers = [];
      threads = 1;
    },
  };
}

let cpuPool: Pool<JobExport> | undefined;

/** backend-cpu's pool over its kernel module, made on first use. */
function pool(): Pool<JobExport> {
  if (cpuPool) return cpuPool;
  const rt = wasmRuntime();
  cpuPool = createPool({ owner: 'backend-cpu', module: rt.module, memory: rt.memory, shared: rt.shared, exports: rt.exports, jobExports: JOB_EXPORTS, control: CONTROL_AT });
  return cpuPool;
}

/** The number of threads a job uses now (the caller plus ready workers). */
export function activeThreads(): number {
  return pool().activeThreads();
}

/** The default: every core (Node), the browser's hardwareConcurrency where memory can be shared, else 1. */
export function defaultThreads(): Promise<number> {
  return pool().defaultThreads();
}

/** Sets how many threads jobs use, starting workers as needed (never more than 64). */
export function setThreads(count: number): Promise<void> {
  return pool().setThreads(count);
}

/**
 * Runs `name` with the job block at `job` on `parts` threads (at most the active ones) and returns when all are done.
 * The export resets nothing itself: the caller zeroes the block's tile counter first.
 */
export function runJob(name: JobExport, job: number, parts: number): void {
  pool().runJob(name, job, parts);
}
