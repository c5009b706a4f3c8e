/**
 * Benchmark of the 'cpu' backend: GEMM GFLOP/s on square matrices, then per light model of the ONNX test data (input
 * arange(n)/n) the median latency of 'cpu' on 1 thread and on more, beside onnxruntime-web (wasm) and
 * onnxruntime-node on `--threads` threads, timed alternately (one run of each engine per round) in one process.
 * Besides wall time it records the process CPU time of each run: for single-threaded engines that is their work, which
 * stays comparable on a machine busy with other processes. Prints Markdown tables.
 *
 * onnxruntime optimizes its graphs by default; our sessions run the model as it is unless `--optimize` loads
 * @onnx-ts/optimizer, whose default level ('extended') the sessions then apply.
 *
 *   pnpm --filter @onnx-ts/backend-cpu bench [--runs 5] [--warmup 2] [--threads 1] [--cpu-threads 1,2]
 *     [--models regex] [--data dir] [--no-ort] [--no-gemm] [--optimize]
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor, decodeModel, decodeValue, shapeSize, type Value } from '@onnx-ts/core';
import { configure } from '../src/index.js';
import { withScratch } from '../src/runtime/call.js';
import { wasmRuntime } from '../src/runtime/wasm.js';
import { packGroupsA, packedABytes, runGemm } from '../src/ops/gemm-plan.js';

interface Options {
  runs: number;
  warmup: number;
  threads: number;
  cpuThreads: number[];
  models?: RegExp;
  data: string;
  ort: boolean;
  gemm: boolean;
  optimize: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { runs: 5, warmup: 2, threads: 1, cpuThreads: [1, 2], data: '', ort: true, gemm: true, optimize: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const count = (v: string): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got '${v}'`);
      return n;
    };
    if (flag === '--runs') o.runs = count(value());
    else if (flag === '--warmup') o.warmup = Number(value());
    else if (flag === '--threads') o.threads = count(value());
    else if (flag === '--cpu-threads') o.cpuThreads = value().split(',').map(count);
    else if (flag === '--models') o.models = new RegExp(value());
    else if (flag === '--data') o.data = value();
    else if (flag === '--no-ort') o.ort = false;
    else if (flag === '--no-gemm') o.gemm = false;
    else if (flag === '--optimize') o.optimize = true;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!o.data) {
    const candidates = ['shared/onnx-backend-test-data/light', '../shared/onnx-backend-test-data/light'];
    let dir = process.cwd();
    for (let up = 0; up < 5 && !o.data; up++, dir = join(dir, '..')) {
      for (const c of candidates) if (existsSync(join(dir, c))) o.data = join(dir, c);
    }
    if (!o.data) throw new Error('light models not found; pass --data DIR');
  }
  return o;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Milliseconds per C[n×n] = A·B through the packed GEMM job (A packed once, B packed per call as in MatMul). */
function timeGemm(n: number): number {
  return withScratch((scratch) => {
    const rt = wasmRuntime();
    const a = scratch.alloc(n * n * 4);
    const b = scratch.alloc(n * n * 4);
    const c = scratch.alloc(n * n * 4);
    const packed = scratch.alloc(packedABytes(n, n));
    const f32 = rt.f32();
    for (let i = 0; i < n * n; i++) {
      f32[(a >> 2) + i] = Math.sin(i);
      f32[(b >> 2) + i] = Math.cos(i);
    }
    packGroupsA(packed, a, 1, n, n);
    const once = (): void => runGemm({
      groups: 1, aGroups: 1, M: n, N: n, K: n, a: packed, b, bGroupStride: 0, matrix: { rowStride: n, colStride: 1 },
      c, ldc: n, cGroupStride: 0, bias: 0, lo: -Infinity, hi: Infinity,
    }, scratch);
    once();
    const reps = Math.max(3, Math.round(4e9 / (2 * n * n * n)));
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) once();
      times.push((performance.now() - t0) / reps);
    }
    return Math.min(...times);
  });
}

interface Engine {
  name: string;
  run(): Promise<Value>;
}

interface OrtTensor { data: unknown; dims: readonly number[] }
interface OrtModule {
  Tensor: new (type: string, data: Float32Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(model: Uint8Array, options: object): Promise<{ run(feeds: object): Promise<Record<string, OrtTensor>>; outputNames: readonly string[] }> };
  env: { wasm: { numThreads?: number }; logLevel?: string };
}

async function ortEngine(name: string, pkg: string, bytes: Uint8Array, input: Tensor, inputName: string, threads: number): Promise<Engine> {
  const ort = (await import(pkg)) as OrtModule;
  const options: Record<string, unknown> = { logSeverityLevel: 3 };
  if (pkg === 'onnxruntime-web') {
    ort.env.wasm.numThreads = threads;
    options.executionProviders = ['wasm'];
  } else {
    Object.assign(options, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' });
  }
  const session = await ort.InferenceSession.create(bytes, options);
  const feeds = { [inputName]: new ort.Tensor('float32', input.data as Float32Array, input.dims) };
  return {
    name,
    async run() {
      const out = await session.run(feeds);
      const t = out[session.outputNames[0]];
      return new Tensor('float32', t.data as Float32Array, t.dims);
    },
  };
}

function maxRelativeError(got: Value, expected: Value): number {
  const g = (got as Tensor).data as Float32Array;
  const e = (expected as Tensor).data as Float32Array;
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(g[i] - e[i]) / (1e-7 + Math.abs(e[i])));
  return worst;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const cores = (await import('node:os')).availableParallelism();
  if (o.optimize) await import('@onnx-ts/optimizer');
  const graphs = o.optimize ? "graphs optimized ('extended')" : 'graphs unoptimized';
  console.log(`onnx-ts backend 'cpu' benchmark — Node ${process.version}, ${cores} cores, ${o.runs} timed rounds after ${o.warmup} warm-up runs, ${graphs}\n`);
  if (o.gemm) {
    const rows: string[][] = [];
    for (const n of [256, 512, 1024]) {
      const row = [`${n}`];
      for (const t of o.cpuThreads) {
        await configure({ threads: t });
        const ms = timeGemm(n);
        row.push(`${ms.toFixed(2)} ms, ${((2 * n ** 3) / ms / 1e6).toFixed(1)} GFLOP/s`);
      }
      rows.push(row);
    }
    printTable(['GEMM n×n×n', ...o.cpuThreads.map((t) => `${t} thread${t > 1 ? 's' : ''}`)], rows);
  }
  const files = readdirSync(o.data).filter((f) => /^light_.*\.onnx$/.test(f) && (!o.models || o.models.test(f))).sort();
  const rows: string[][] = [];
  for (const file of files) {
    const name = file.slice('light_'.length, -'.onnx'.length);
    process.stderr.write(`${name}: loading\n`);
    const bytes = new Uint8Array(readFileSync(join(o.data, file)));
    const model = decodeModel(bytes);
    const inits = new Set(model.graph.initializers.keys());
    const info = model.graph.inputs.filter((v) => !inits.has(v.name))[0];
    if (info.type?.kind !== 'tensor' || !info.type.shape) throw new Error(`${file}: input '${info.name}' has no static shape`);
    const dims = info.type.shape as number[];
    const n = shapeSize(dims);
    const input = new Tensor('float32', Float32Array.from({ length: n }, (_, i) => i / n), dims);
    const expected = decodeValue(new Uint8Array(readFileSync(join(o.data, `light_${name}_output_0.pb`))), 'tensor');
    const session = await InferenceSession.create(model, { executionProviders: ['cpu'] });
    const engines: Engine[] = o.cpuThreads.map((t) => ({
      name: `cpu ${t}t`,
      async run() {
        await configure({ threads: t });
        return Object.values(await session.run({ [info.name]: input }))[0];
      },
    }));
    if (o.ort) {
      engines.push(await ortEngine(`ort-web ${o.threads}t`, 'onnxruntime-web', bytes, input, info.name, o.threads));
      engines.push(await ortEngine(`ort-node ${o.threads}t`, 'onnxruntime-node', bytes, input, info.name, o.threads));
    }
    const times = new Map<Engine, number[]>(engines.map((e) => [e, []]));
    const cpuTimes = new Map<Engine, number[]>(engines.map((e) => [e, []]));
    const errors = new Map<Engine, number>();
    for (const e of engines) for (let i = 0; i < o.warmup; i++) errors.set(e, maxRelativeError(await e.run(), expected));
    for (let r = 0; r < o.runs; r++) {
      for (const e of engines) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await e.run();
        times.get(e)!.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpuTimes.get(e)!.push((c.user + c.system) / 1000);
      }
    }
    const med = engines.map((e) => median(times.get(e)!));
    const row = [name, ...med.map((m) => m.toFixed(1))];
    const single = med[0];
    if (o.cpuThreads.length > 1) row.push(`${(single / med[1]).toFixed(2)}×`);
    if (o.ort) {
      const ortWeb = engines[o.cpuThreads.length];
      const cpuMs = [median(cpuTimes.get(engines[0])!), median(cpuTimes.get(ortWeb)!)];
      row.push(`${(med[0] / med[o.cpuThreads.length]).toFixed(2)}`, cpuMs[0].toFixed(1), cpuMs[1].toFixed(1), (cpuMs[0] / cpuMs[1]).toFixed(2));
    }
    row.push(errors.get(engines[0])!.toExponential(1));
    rows.push(row);
  }
  const headers = ['model', ...o.cpuThreads.map((t) => `cpu ${t}t ms`)];
  if (o.ort) headers.push(`ort-web ${o.threads}t ms`, `ort-node ${o.threads}t ms`);
  if (o.cpuThreads.length > 1) headers.push(`speed-up ${o.cpuThreads[1]}t/${o.cpuThreads[0]}t`);
  if (o.ort) headers.push(`cpu ${o.cpuThreads[0]}t / ort-web`, `cpu ${o.cpuThreads[0]}t CPU ms`, `ort-web ${o.threads}t CPU ms`, 'CPU-time ratio');
  headers.push('max rel. error');
  printTable(headers, rows);
  process.exit(0);
}

function printTable(headers: string[], rows: string[][]): void {
  console.log(`| ${headers.join(' | ')} |`);
  console.log(`| ${headers.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log();
}

await main();
