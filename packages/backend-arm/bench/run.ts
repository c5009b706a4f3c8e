/**
 * Benchmark of the 'arm' backend: the int8 speed-up over float32 on 'arm', and the latency of onnxruntime-web (wasm)
 * on the same quantized model. Models: a small transformer encoder (bench/transformer.ts) and light models of the
 * ONNX test data, quantized by @onnx-ts/optimizer (static: QuantizeLinear/DequantizeLinear pairs, per-channel int8
 * weights; dynamic: DynamicQuantizeLinear + MatMulInteger). Engines run alternately in one process, one thread each
 * by default; the table gives medians of wall and process CPU time (the ratios use CPU time with one thread). int8
 * outputs on 'arm' are checked against the reference backend on the same quantized model and compared with
 * onnxruntime-web's.
 *
 *   pnpm --filter @onnx-ts/backend-arm bench [--runs 10] [--warmup 2] [--threads 1] [--models transformer,squeezenet]
 */
import { InferenceSession, Tensor, decodeModel, saveModel, type Model } from '@onnx-ts/core';
import { findDataRoot } from '@onnx-ts/conformance';
import { quantize, randomSamples } from '@onnx-ts/optimizer';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { configure, kernelInfo } from '../src/index.js';
import { SMALL_ENCODER, buildEncoder, encoderInput } from './transformer.js';

interface Options {
  runs: number;
  warmup: number;
  threads: number;
  models: string[];
  data: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { runs: 10, warmup: 2, threads: 1, models: ['transformer', 'transformer-dynamic', 'squeezenet', 'resnet50'], data: '' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--runs') options.runs = Number(value);
    else if (flag === '--warmup') options.warmup = Number(value);
    else if (flag === '--threads') options.threads = Number(value);
    else if (flag === '--models') options.models = value.split(',');
    else if (flag === '--data') options.data = value;
    else throw new Error(`bench: unknown option '${flag}' (options: --runs, --warmup, --threads, --models, --data)`);
    i++;
  }
  for (const [name, v] of [['--runs', options.runs], ['--warmup', options.warmup], ['--threads', options.threads]] as const) {
    if (!Number.isInteger(v) || v < (name === '--warmup' ? 0 : 1)) throw new Error(`bench: ${name} must be a positive integer, got ${v}`);
  }
  return options;
}

type Feeds = Record<string, Tensor>;
type Runner = () => Promise<Float32Array>;

interface Case {
  name: string;
  input: string;
  float: Model;
  int8: Model;
  quantization: string;
  feeds: Feeds;
}

function lightModel(options: Options, name: string): Model | undefined {
  const path = join(findDataRoot(options.data || undefined), 'light', `light_${name}.onnx`);
  return existsSync(path) ? decodeModel(readFileSync(path)) : undefined;
}

async function buildCase(options: Options, name: string): Promise<Case | undefined> {
  if (name === 'transformer' || name === 'transformer-dynamic') {
    const float = buildEncoder();
    const feeds = encoderInput();
    const dynamic = name === 'transformer-dynamic';
    const { model } = await quantize(float, dynamic ? { mode: 'dynamic', perChannel: true } : { mode: 'static', perChannel: true, samples: [feeds, encoderInput(SMALL_ENCODER, 4)] });
    const { tokens, width, layers, heads, hidden } = SMALL_ENCODER;
    return {
      name: `encoder ${layers}×(d ${width}, ${heads} heads, ff ${hidden})`, input: `[1, ${tokens}, ${width}]`, float, int8: model, feeds,
      quantization: dynamic ? 'dynamic (MatMulInteger)' : 'static QDQ',
    };
  }
  const float = lightModel(options, name);
  if (!float) {
    console.warn(`bench: light_${name}.onnx not found under the test data (--data or ONNX_TEST_DATA); skipped`);
    return undefined;
  }
  const samples = randomSamples(float, 2, 1) as Feeds[];
  const { model } = await quantize(float, { mode: 'static', perChannel: true, samples });
  const input = Object.values(samples[0])[0];
  return { name: `light ${name}`, input: `[${input.dims.join(', ')}]`, float, int8: model, feeds: samples[0], quantization: 'static QDQ' };
}

async function onnxTs(model: Model, backend: string, feeds: Feeds, threads: number): Promise<Runner> {
  const session = await InferenceSession.create(model, { executionProviders: [backend], intraOpNumThreads: threads });
  return async () => ((await session.run(feeds))[session.outputNames[0]] as Tensor).data as Float32Array;
}

interface OrtTensor { data: unknown }
interface OrtSession { run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>; outputNames: readonly string[] }
interface OrtModule {
  env: { wasm: { numThreads?: number }; logLevel?: string };
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => unknown;
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
}

async function ortWeb(model: Model, feeds: Feeds, threads: number): Promise<Runner> {
  const ort = (await import('onnxruntime-web')) as unknown as OrtModule;
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(saveModel(model), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)]));
  return async () => (await session.run(ortFeeds))[session.outputNames[0]].data as Float32Array;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

async function benchCase(c: Case, options: Options): Promise<string> {
  const engines: [string, Runner][] = [
    ['arm fp32', await onnxTs(c.float, 'arm', c.feeds, options.threads)],
    ['arm int8', await onnxTs(c.int8, 'arm', c.feeds, options.threads)],
    ['ort-web int8', await ortWeb(c.int8, c.feeds, options.threads)],
    ['ort-web fp32', await ortWeb(c.float, c.feeds, options.threads)],
  ];
  // Wall time and this process's CPU time (all its threads) per run; with one thread each, CPU time is the
  // steadier measure on a shared machine, and the ratios use it.
  const times = new Map<string, { wall: number[]; cpu: number[] }>(engines.map(([n]) => [n, { wall: [], cpu: [] }]));
  const outputs = new Map<string, Float32Array>();
  for (let r = 0; r < options.warmup + options.runs; r++) {
    for (const [name, run] of engines) {
      const cpu = process.cpuUsage();
      const t = performance.now();
      const out = await run();
      const ms = performance.now() - t;
      const used = process.cpuUsage(cpu);
      if (r >= options.warmup) {
        times.get(name)!.wall.push(ms);
        times.get(name)!.cpu.push((used.user + used.system) / 1000);
      }
      outputs.set(name, out);
    }
  }
  const reference = await (await onnxTs(c.int8, 'cpu-ref', c.feeds, 1))();
  const armInt8 = outputs.get('arm int8')!;
  const wall = (name: string): number => median(times.get(name)!.wall);
  const cpu = (name: string): number => median(times.get(name)!.cpu);
  const m = options.threads === 1 ? cpu : wall;
  const both = (name: string): string => `${fmt(wall(name))} (${fmt(cpu(name))})`;
  const cells = [
    c.name, c.input, c.quantization, both('arm fp32'), both('arm int8'), `${(m('arm fp32') / m('arm int8')).toFixed(2)}×`,
    both('ort-web int8'), `${(m('arm int8') / m('ort-web int8')).toFixed(2)}×`, both('ort-web fp32'),
    maxDifference(armInt8, reference).toExponential(1), maxDifference(armInt8, outputs.get('ort-web int8')!).toExponential(1),
  ];
  return `| ${cells.join(' | ')} |`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  configure({});
  const info = kernelInfo();
  const started = performance.now();
  console.log(`backend-arm bench: median of ${options.runs} runs after ${options.warmup} warm-up, ${options.threads} thread(s), engines timed alternately`);
  console.log(`times: wall ms (process CPU ms); ratios from ${options.threads === 1 ? 'CPU' : 'wall'} time`);
  console.log(`${process.arch}, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores); arm kernels: ${info.build}${info.dotMode ? ` (dot products: ${info.dotMode})` : ''}${info.relaxedSimdRejected ? ' (relaxed SIMD failed the self-test)' : ''}`);
  console.log('');
  console.log('| model | input | int8 format | arm fp32 ms | arm int8 ms | int8 speed-up | ort-web int8 ms | arm int8 / ort-web int8 | ort-web fp32 ms | max |arm−ref| int8 | max |arm−ort| int8 |');
  console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const name of options.models) {
    const c = await buildCase(options, name);
    if (c) console.log(await benchCase(c, options));
  }
  console.log('');
  console.log(`took ${((performance.now() - started) / 1000).toFixed(0)} s; max |arm−ref|: 'arm' against the reference backend on the same int8 model`);
}

await main();
