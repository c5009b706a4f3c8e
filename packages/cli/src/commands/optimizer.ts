/**
 * `onnx-ts optimize | quantize | prune | convert`: the optimizer package's model rewrites. Each reads a model,
 * writes a new one (checked with the project's model checker first) and prints what changed.
 *
 * The package is imported when one of these commands runs, not when they are registered: importing it registers
 * the session optimizer, which would otherwise rewrite the models of every other command (run, inspect, bench).
 */
const optimizer = () => import('@onnx-ts/optimizer');
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { decodeValue, saveModel, type Model, type Value } from '@onnx-ts/core';
import type { OutputError, TensorReport } from '@onnx-ts/optimizer';
import { CliError } from '../lib/errors.js';
import { formatBytes, formatNumber, textTable } from '../lib/format.js';
import { collect, parseAssignment } from '../lib/inputs.js';
import { loadModel } from '../lib/model.js';
import { positiveInt } from './run.js';

const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

/** Runs the project's checker on a rewritten model; refuses to write one that fails (unless the input failed too). */
async function checkOutput(input: Model, output: Model, allowCustom = false): Promise<void> {
  const { checkModel } = await optimizer();
  const result = checkModel(output, { allowCustom });
  if (result.ok) return;
  const inputResult = checkModel(input, { allowCustom: true });
  if (!inputResult.ok) {
    console.error(`warning: the input model already fails the checker (${inputResult.errors[0]}); writing anyway`);
    return;
  }
  throw new CliError(`the rewritten model fails the checker: ${result.errors.slice(0, 3).join('; ')}`, 'this is a bug in onnx-ts; please report it with the model');
}

function writeModel(path: string, model: Model): number {
  const bytes = saveModel(model);
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new CliError(`cannot write '${path}': ${(e as Error).message}`, 'check that the folder exists and is writable', e);
  }
  return bytes.length;
}

function sizeLine(inPath: string, outPath: string, written: number): string {
  const before = statSync(inPath).size;
  return `wrote ${outPath}: ${formatBytes(written)} (input ${formatBytes(before)}, ${(written / before).toFixed(3)}×)`;
}

function parseLevel(level: string): 'basic' | 'extended' | 'all' {
  if (level === 'basic' || level === 'extended' || level === 'all') return level;
  throw new CliError(`--level ${level}: expected basic, extended or all`);
}

function parseFraction(text: string, flag: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0 || v >= 1) throw new CliError(`${flag} ${text}: expected a number in [0, 1)`);
  return v;
}

interface OptimizeCliOptions { output: string; level: string; allowCustom?: boolean; disable?: string[]; maxFoldMb: string; json?: boolean }

async function optimizeCommand(input: string, opts: OptimizeCliOptions): Promise<number> {
  const model = await loadModel(input);
  const { optimizeModel } = await optimizer();
  const started = performance.now();
  const maxFoldMb = Number(opts.maxFoldMb);
  if (!(maxFoldMb >= 0)) throw new CliError(`--max-fold-mb ${opts.maxFoldMb}: expected a number >= 0`);
  const { model: out, report } = optimizeModel(model, {
    level: parseLevel(opts.level), allowCustom: opts.allowCustom, disable: opts.disable, maxFoldBytes: maxFoldMb * 2 ** 20,
  });
  const ms = performance.now() - started;
  await checkOutput(model, out, opts.allowCustom);
  const written = writeModel(opts.output, out);
  if (opts.json) {
    console.log(JSON.stringify({ ...report, ms, bytesIn: statSync(input).size, bytesOut: written }, null, 2));
    return 0;
  }
  console.log(`nodes ${report.nodesBefore} → ${report.nodesAfter}, initializers ${report.initializersBefore} → ${report.initializersAfter}, ${report.rounds} round(s) in ${ms.toFixed(0)} ms`);
  const rows = Object.entries(report.rewrites).map(([pass, n]) => [pass, String(n)]);
  if (rows.length) console.log(textTable(['pass', 'rewrites'], rows, new Set([1])));
  console.log(sizeLine(input, opts.output, written));
  return 0;
}

/** Reads one calibration sample from a folder: input_<k>.pb by input position, or <input name>.pb. */
function readSample(dir: string, inputs: readonly string[]): Record<string, Value> {
  const feeds: Record<string, Value> = {};
  inputs.forEach((name, k) => {
    const candidates = [join(dir, `input_${k}.pb`), join(dir, `${name}.pb`)];
    const file = candidates.find(existsSync);
    if (!file) throw new CliError(`calibration sample '${dir}' has no input_${k}.pb or ${name}.pb`, `each sample folder holds one .pb TensorProto per model input`);
    feeds[name] = decodeValue(new Uint8Array(readFileSync(file)), 'tensor', file);
  });
  return feeds;
}

/** Calibration samples from DIR: the folder itself when it holds input_0.pb, else each of its sub-folders. */
export function readCalibrationDir(dir: string, model: Model): Record<string, Value>[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`--calibrate ${dir}: no such directory`);
  const initializers = new Set(model.graph.initializers.keys());
  const inputs = model.graph.inputs.filter((v) => !initializers.has(v.name)).map((v) => v.name);
  const looksLikeSample = (d: string): boolean => readdirSync(d).some((f) => f.endsWith('.pb'));
  if (looksLikeSample(dir)) return [readSample(dir, inputs)];
  const sampleDirs = readdirSync(dir).sort().map((e) => join(dir, e)).filter((p) => statSync(p).isDirectory() && looksLikeSample(p));
  if (!sampleDirs.length) throw new CliError(`--calibrate ${dir}: no .pb inputs found`, 'use a folder of input_0.pb files, or a folder of such folders (test_data_set_0/, ...)');
  return sampleDirs.map((d) => readSample(d, inputs));
}

interface QuantizeCliOptions {
  output: string; mode?: string; perChannel?: boolean; format?: string; calibrate?: string; calibrateRandom?: string;
  calibrator: string; percentile?: string; activationType?: string; weightType?: string; weightOnlyInt4?: boolean;
  blockSize: string; seed: string; dim?: string[]; exclude?: string[]; json?: boolean;
}

async function samplesFor(model: Model, opts: QuantizeCliOptions, required: boolean): Promise<Record<string, Value>[] | undefined> {
  const { randomSamples } = await optimizer();
  if (opts.calibrate && opts.calibrateRandom) throw new CliError('--calibrate and --calibrate-random exclude each other');
  if (opts.calibrate) return readCalibrationDir(opts.calibrate, model);
  const dims: Record<string, number> = {};
  for (const text of opts.dim ?? []) {
    const [name, value] = parseAssignment(text, '--dim');
    dims[name] = positiveInt(value, 1, `--dim ${name}`);
  }
  const seed = positiveInt(opts.seed, 1, '--seed', 0);
  if (opts.calibrateRandom !== undefined) return randomSamples(model, positiveInt(opts.calibrateRandom, 8, '--calibrate-random'), seed, dims);
  if (required) throw new CliError('static quantization needs calibration inputs', 'pass --calibrate DIR (folders of input_K.pb) or --calibrate-random N');
  // Without samples, two random ones still give the error report; a model whose inputs cannot be generated goes without.
  try {
    return randomSamples(model, 2, seed, dims);
  } catch {
    return undefined;
  }
}

function tensorRows(tensors: readonly TensorReport[]): string[][] {
  return tensors.map((t) => {
    const lo = Math.min(...t.scales);
    const hi = Math.max(...t.scales);
    const zp = [...new Set(t.zeroPoints)];
    return [
      t.name, t.kind, t.type, lo === hi ? formatNumber(lo) : `${formatNumber(lo)}..${formatNumber(hi)} (${t.scales.length})`,
      zp.length === 1 ? String(zp[0]) : `${Math.min(...zp)}..${Math.max(...zp)}`, t.error === undefined ? '-' : formatNumber(t.error),
    ];
  });
}

function printOutputs(outputs: readonly OutputError[], samples: number): void {
  if (!outputs.length) return;
  console.log(`\noutput error against the float model on ${samples} sample(s) (reference backend):`);
  console.log(textTable(['output', 'cosine', 'max |error|', 'relative RMSE'], outputs.map((o) => [o.name, o.cosine.toFixed(5), formatNumber(o.maxAbsError), formatNumber(o.relativeRmse)]), new Set([1, 2, 3])));
}

async function quantizeCommand(input: string, opts: QuantizeCliOptions): Promise<number> {
  const model = await loadModel(input);
  const { quantize, quantizeWeightsInt4 } = await optimizer();
  const started = performance.now();
  let out: Model;
  let summary: string;
  let report: { tensors: TensorReport[]; outputs: OutputError[]; skipped: { node: string; reason: string }[]; quantizedNodes: string[] };
  let samples: Record<string, Value>[] | undefined;
  if (opts.weightOnlyInt4) {
    if (opts.mode) throw new CliError('--weight-only-int4 quantizes weights only; leave out --mode');
    samples = await samplesFor(model, opts, false);
    const blockSize = positiveInt(opts.blockSize, 32, '--block-size', 2);
    const r = await quantizeWeightsInt4(model, { blockSize, samples, excludeNodes: opts.exclude });
    out = r.model;
    report = r.report;
    summary = `int4 weight-only, block size ${blockSize}`;
  } else {
    if (opts.mode !== 'dynamic' && opts.mode !== 'static') throw new CliError(`--mode ${opts.mode ?? '(missing)'}: expected dynamic or static`, 'or pass --weight-only-int4');
    if (opts.format && opts.format !== 'qdq' && opts.format !== 'qoperator') throw new CliError(`--format ${opts.format}: expected qdq or qoperator`);
    if (!['minmax', 'percentile', 'entropy'].includes(opts.calibrator)) throw new CliError(`--calibrator ${opts.calibrator}: expected minmax, percentile or entropy`);
    for (const [flag, v, allowed] of [['--activation-type', opts.activationType, ['uint8', 'int8']], ['--weight-type', opts.weightType, ['int8', 'uint8']]] as const) {
      if (v && !(allowed as readonly string[]).includes(v)) throw new CliError(`${flag} ${v}: expected ${allowed.join(' or ')}`);
    }
    samples = await samplesFor(model, opts, opts.mode === 'static');
    const percentile = opts.percentile === undefined ? undefined : Number(opts.percentile);
    const r = await quantize(model, {
      mode: opts.mode, format: opts.format as 'qdq' | 'qoperator' | undefined, perChannel: opts.perChannel,
      activationType: opts.activationType as 'uint8' | 'int8' | undefined, weightType: opts.weightType as 'int8' | 'uint8' | undefined,
      samples, calibration: { method: opts.calibrator as 'minmax', percentile }, excludeNodes: opts.exclude,
    });
    out = r.model;
    report = r.report;
    summary = `${r.report.mode} ${r.report.format}${opts.perChannel ? ' per-channel' : ''}${opts.mode === 'static' ? `, ${opts.calibrator} calibration` : ''}`;
  }
  const ms = performance.now() - started;
  await checkOutput(model, out);
  const written = writeModel(opts.output, out);
  if (opts.json) {
    console.log(JSON.stringify({ ...report, ms, bytesIn: statSync(input).size, bytesOut: written }, null, 2));
    return 0;
  }
  console.log(`${summary}: ${report.quantizedNodes.length} node(s) quantized in ${ms.toFixed(0)} ms`);
  if (report.tensors.length) console.log(textTable(['tensor', 'kind', 'type', 'scale', 'zero point', 'rel. error'], tensorRows(report.tensors)));
  for (const s of report.skipped) console.log(`skipped ${s.node}: ${s.reason}`);
  printOutputs(report.outputs, samples?.length ?? 0);
  console.log(sizeLine(input, opts.output, written));
  return 0;
}

interface PruneCliOptions { output: string; sparsity: string; structured?: boolean; global?: boolean; exclude?: string[]; json?: boolean }

async function pruneCommand(input: string, opts: PruneCliOptions): Promise<number> {
  const model = await loadModel(input);
  const sparsity = parseFraction(opts.sparsity, '--sparsity');
  if (opts.structured && opts.global) throw new CliError('--global applies to unstructured pruning', 'structured pruning ranks channels per layer; drop --global');
  const { prune } = await optimizer();
  const { model: out, report } = prune(model, { sparsity, structured: opts.structured, global: opts.global, excludeNodes: opts.exclude });
  await checkOutput(model, out);
  const written = writeModel(opts.output, out);
  if (opts.json) {
    console.log(JSON.stringify({ ...report, bytesIn: statSync(input).size, bytesOut: written }, null, 2));
    return 0;
  }
  const rows = report.tensors.map((t) => report.mode === 'structured'
    ? [t.node, t.name, `${t.channelsBefore} → ${t.channelsAfter}`, (t.sparsity * 100).toFixed(1)]
    : [t.node, t.name, `${t.zeros}/${t.elements}`, (t.sparsity * 100).toFixed(1)]);
  console.log(textTable(['node', 'weight', report.mode === 'structured' ? 'channels' : 'zeros', 'sparsity %'], rows, new Set([3])));
  for (const s of report.skipped) console.log(`skipped ${s.node}: ${s.reason}`);
  console.log(`${report.mode}: target ${(sparsity * 100).toFixed(1)}%, achieved ${(report.achievedSparsity * 100).toFixed(1)}%; parameters ${report.parametersBefore} → ${report.parametersAfter}`);
  console.log(sizeLine(input, opts.output, written));
  return 0;
}

interface ConvertCliOptions { output: string; fp16?: boolean; blockOps?: string[]; json?: boolean }

async function convertCommand(input: string, opts: ConvertCliOptions): Promise<number> {
  if (!opts.fp16) throw new CliError('convert: nothing to convert to', 'pass --fp16');
  const model = await loadModel(input);
  const { convertToFloat16 } = await optimizer();
  const { model: out, report } = convertToFloat16(model, { blockOps: opts.blockOps });
  await checkOutput(model, out);
  const written = writeModel(opts.output, out);
  if (opts.json) {
    console.log(JSON.stringify({ ...report, bytesIn: statSync(input).size, bytesOut: written }, null, 2));
    return 0;
  }
  console.log(`float16: ${report.convertedNodes} node(s) converted, ${report.convertedInitializers} initializer(s), ${report.castsInserted} Cast(s) added; inputs and outputs stay float32`);
  for (const k of report.keptNodes) console.log(`kept in float32 ${k.node}: ${k.reason}`);
  console.log(sizeLine(input, opts.output, written));
  return 0;
}

/** Adds optimize, quantize, prune and convert to the onnx-ts program. */
export function registerOptimizerCommands(program: Command): void {
  program.command('optimize')
    .description('graph optimizations (constant folding, clean-up, fusions); the output loads in any ONNX runtime unless --allow-custom')
    .argument('<model>', 'ONNX model file')
    .requiredOption('-o, --output <file>', 'where to write the optimized model')
    .addOption(new Option('--level <level>', 'basic: folding and clean-up; extended: plus fusions; all: as extended').default('extended'))
    .option('--allow-custom', 'also fuse into com.onnx-ts ops (FusedConv/FusedGemm/FusedMatMul), which only onnx-ts runs')
    .option('--disable <passes>', 'passes to skip, comma-separated (names as in the report)', list)
    .option('--max-fold-mb <n>', 'largest tensor constant folding may create, in MiB', '64')
    .option('--json', 'print the report as JSON')
    .action(async (model: string, opts: OptimizeCliOptions) => { process.exitCode = await optimizeCommand(model, opts); });

  program.command('quantize')
    .description('int8 quantization (dynamic or static with calibration), or int4 weight-only; reports scales, zero points and error')
    .argument('<model>', 'ONNX model file')
    .requiredOption('-o, --output <file>', 'where to write the quantized model')
    .option('--mode <mode>', 'dynamic (activations quantized at run time) or static (calibrated)')
    .option('--per-channel', 'one weight scale per output channel')
    .option('--format <format>', 'qdq (Quantize/DequantizeLinear pairs) or qoperator (integer ops); default qoperator for dynamic, qdq for static')
    .option('--calibrate <dir>', 'calibration inputs: a folder of input_K.pb (or NAME.pb), or of such folders')
    .option('--calibrate-random <n>', 'calibrate on N seeded random inputs instead')
    .addOption(new Option('--calibrator <method>', 'minmax, percentile or entropy').default('minmax'))
    .option('--percentile <p>', 'share of values the percentile calibrator keeps, in % (default 99.99)')
    .option('--activation-type <type>', 'static: uint8 (default) or int8')
    .option('--weight-type <type>', 'int8 (default, symmetric) or uint8')
    .option('--weight-only-int4', 'int4 weights in blocks (DequantizeLinear with block_size, opset 21) for MatMul/Gemm')
    .option('--block-size <n>', 'int4 block size', '32')
    .option('--seed <n>', 'seed of the random calibration inputs', '1')
    .option('--dim <name=value>', 'value of a symbolic input dim for random inputs (repeatable; default 1)', collect)
    .option('--exclude <nodes>', 'node names to leave in float, comma-separated', list)
    .option('--json', 'print the report as JSON')
    .action(async (model: string, opts: QuantizeCliOptions) => { process.exitCode = await quantizeCommand(model, opts); });

  program.command('prune')
    .description('magnitude pruning: zero the smallest weights, or (--structured) remove whole channels and shrink the model')
    .argument('<model>', 'ONNX model file')
    .requiredOption('-o, --output <file>', 'where to write the pruned model')
    .requiredOption('--sparsity <s>', 'share of weights (or channels) to remove, in [0, 1)')
    .option('--structured', 'remove Conv output channels / MatMul columns with the lowest norms')
    .option('--global', 'unstructured: one threshold over all weights instead of per layer')
    .option('--exclude <nodes>', 'node names to leave untouched, comma-separated', list)
    .option('--json', 'print the report as JSON')
    .action(async (model: string, opts: PruneCliOptions) => { process.exitCode = await pruneCommand(model, opts); });

  program.command('convert')
    .description('convert a float32 model to float16 (inputs and outputs stay float32)')
    .argument('<model>', 'ONNX model file')
    .requiredOption('-o, --output <file>', 'where to write the converted model')
    .option('--fp16', 'convert to float16')
    .option('--block-ops <ops>', 'op types to keep in float32, comma-separated', list)
    .option('--json', 'print the report as JSON')
    .action(async (model: string, opts: ConvertCliOptions) => { process.exitCode = await convertCommand(model, opts); });
}
