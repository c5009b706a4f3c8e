/**
 * GPU backend benchmark, labelled with the adapter it ran on:
 * - kernels: GFLOPS of MatMul and Conv and the bandwidth of an elementwise Add, timed on the GPU queue (recorded
 *   work, then waiting for it), in both GEMM forms;
 * - models: median latency of the light models of the ONNX test data (input arange(n)/n, as the conformance suite
 *   feeds them) on 'gpu' and, unless --no-cpu-ref, on 'cpu-ref', with the output checked against the expected one.
 *
 *   pnpm --filter @onnx-ts/backend-gpu bench [--models REGEX] [--runs N] [--warmup N] [--no-cpu-ref] [--no-kernels] [--data DIR] [--json]
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor, decodeModel, decodeValue, type Value } from '@onnx-ts/core';
import '@onnx-ts/backend-cpu-ref';
import { gpuContext } from '../src/index.js';
import type { GpuContext } from '../src/context.js';
import { kernels } from '../src/kernels.js';
import { disposeTensor, uploadTensor } from '../src/tensors.js';

interface Options {
  models?: RegExp;
  runs: number;
  warmup: number;
  cpuRef: boolean;
  kernels: boolean;
  data?: string;
  json: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { runs: 5, warmup: 1, cpuRef: true, kernels: true, json: false };
  for (let i = 0; i < argv.length; i++) {
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    switch (argv[i]) {
      case '--models': o.models = new RegExp(value()); break;
      case '--runs': o.runs = Number(value()); break;
      case '--warmup': o.warmup = Number(value()); break;
      case '--data': o.data = value(); break;
      case '--no-cpu-ref': o.cpuRef = false; break;
      case '--no-kernels': o.kernels = false; break;
      case '--json': o.json = true; break;
      default: throw new Error(`unknown option '${argv[i]}' (see the comment at the top of bench/bench.ts)`);
    }
  }
  if (!(o.runs >= 1) || !(o.warmup >= 0)) throw new Error('--runs must be >= 1 and --warmup >= 0');
  return o;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs one kernel spec directly (as the executor would) and returns its GPU time per call in ms. */
async function timeKernel(gpu: GpuContext, op: string, inputs: Tensor[], attrs: Record<string, unknown>, reps: number): Promise<number> {
  const spec = kernels.find((k) => k.op === op && k.until === undefined)!;
  const ctx = { node: { name: 'bench', opType: op, domain: '' }, opset: 21, opsets: new Map(), outputCount: 1, outputUsed: [true] };
  const onGpu = inputs.map((t) => uploadTensor(t, gpu));
  const once = async (): Promise<void> => {
    const [y] = await spec.run(onGpu, attrs as never, ctx as never);
    disposeTensor(y as Tensor);
  };
  await once();
  await gpu.finish();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await once();
  await gpu.finish();
  return (performance.now() - t0) / reps;
}

const filled = (dims: number[]): Tensor => {
  const n = dims.reduce((a, b) => a * b, 1);
  return new Tensor('float32', Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5), dims);
};

interface KernelResult { kernel: string; form: string; ms: number; rate: string }

async function kernelBench(gpu: GpuContext): Promise<KernelResult[]> {
  const out: KernelResult[] = [];
  const saved = gpu.tuning.registerGemm;
  for (const registers of [false, true]) {
    gpu.tuning.registerGemm = registers;
    const form = registers ? 'register' : 'tiled';
    const n = 1024;
    const mm = await timeKernel(gpu, 'MatMul', [filled([n, n]), filled([n, n])], {}, 5);
    out.push({ kernel: `MatMul ${n}³`, form, ms: mm, rate: `${((2 * n ** 3) / mm / 1e6).toFixed(1)} GFLOPS` });
    const conv = await timeKernel(gpu, 'Conv', [filled([1, 64, 56, 56]), filled([64, 64, 3, 3])], { auto_pad: 'NOTSET', group: 1, pads: [1, 1, 1, 1] }, 5);
    out.push({ kernel: 'Conv 3×3 64→64 56²', form, ms: conv, rate: `${((2 * 64 * 64 * 9 * 56 * 56) / conv / 1e6).toFixed(1)} GFLOPS` });
  }
  gpu.tuning.registerGemm = saved;
  const size = 1 << 22;
  const add = await timeKernel(gpu, 'Add', [filled([size]), filled([size])], {}, 10);
  out.push({ kernel: 'Add 4M', form: '-', ms: add, rate: `${((3 * 4 * size) / add / 1e6).toFixed(1)} GB/s` });
  return out;
}

function lightDir(data: string | undefined): string {
  const candidates = [data, process.env.ONNX_TEST_DATA, '../../../shared/onnx-backend-test-data', '../shared/onnx-backend-test-data'];
  for (const c of candidates) {
    if (c && existsSync(join(c, 'light'))) return join(c, 'light');
    if (c && existsSync(c) && readdirSync(c).some((f) => f.startsWith('light_'))) return c;
  }
  throw new Error('light models not found: pass --data DIR (the test data root or its light/ folder)');
}

interface ModelResult { model: string; backend: string; firstMs: number; medianMs: number; matches: boolean }

async function modelBench(dir: string, backend: string, name: string, o: Options): Promise<ModelResult> {
  const model = decodeModel(new Uint8Array(readFileSync(join(dir, `light_${name}.onnx`))));
  const expected = decodeValue(new Uint8Array(readFileSync(join(dir, `light_${name}_output_0.pb`))), 'tensor') as Tensor;
  const t0 = performance.now();
  const session = await InferenceSession.create(model, { executionProviders: [backend] });
  const input = model.graph.inputs.find((v) => v.name === session.inputNames[0])!;
  const dims = input.type?.kind === 'tensor' ? (input.type.shape ?? []).map((d) => (typeof d === 'number' ? d : 1)) : [];
  const n = dims.reduce((a, b) => a * b, 1);
  const feeds = { [session.inputNames[0]]: new Tensor('float32', Float32Array.from({ length: n }, (_, i) => i / n), dims) };
  let out: Record<string, Value> = await session.run(feeds);
  const firstMs = performance.now() - t0;
  for (let i = 1; i < o.warmup; i++) out = await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const s = performance.now();
    out = await session.run(feeds);
    times.push(performance.now() - s);
  }
  await session.release();
  const got = out[session.outputNames[0]] as Tensor;
  const a = got.data as Float32Array;
  const b = expected.data as Float32Array;
  const matches = a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= 1e-7 + 1e-3 * Math.abs(b[i]));
  return { model: name, backend, firstMs, medianMs: median(times), matches };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const gpu = await gpuContext();
  const header = `adapter: ${gpu.label}; shader-f16: ${gpu.hasF16}; GEMM form: ${gpu.tuning.registerGemm ? 'register' : 'tiled'}`;
  const kernelsOut = o.kernels ? await kernelBench(gpu) : [];
  const dir = lightDir(o.data);
  const names = readdirSync(dir).filter((f) => f.startsWith('light_') && f.endsWith('.onnx')).map((f) => f.slice(6, -5))
    .filter((name) => !o.models || o.models.test(name)).sort();
  const models: ModelResult[] = [];
  for (const name of names) {
    for (const backend of o.cpuRef ? ['gpu', 'cpu-ref'] : ['gpu']) {
      models.push(await modelBench(dir, backend, name, o));
      if (!o.json) process.stderr.write(`${name} on ${backend}: done\n`);
    }
  }
  if (o.json) {
    console.log(JSON.stringify({ adapter: gpu.label, hasF16: gpu.hasF16, kernels: kernelsOut, models }, null, 2));
    return;
  }
  console.log(`# GPU backend benchmark\n\n${header}\n`);
  if (kernelsOut.length) {
    console.log('| kernel | form | ms | rate |\n|---|---|---|---|');
    for (const k of kernelsOut) console.log(`| ${k.kernel} | ${k.form} | ${k.ms.toFixed(2)} | ${k.rate} |`);
    console.log('');
  }
  console.log(`| model | backend | first run ms (with compiles) | median ms (${o.runs} runs) | output matches |\n|---|---|---|---|---|`);
  for (const m of models) console.log(`| ${m.model} | ${m.backend} | ${m.firstMs.toFixed(0)} | ${m.medianMs.toFixed(1)} | ${m.matches ? 'yes' : 'NO'} |`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
