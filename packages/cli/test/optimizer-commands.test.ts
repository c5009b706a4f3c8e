/**
 * `optimize`, `quantize`, `prune` and `convert` through registerOptimizerCommands on a fresh commander program
 * (from source): the written models are read back, checked, and run in onnxruntime-node against the input model.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Command } from 'commander';
import { GraphBuilder, Tensor, buildModel, decodeModel, encodeTensor, saveModel, type Model } from '@onnx-ts/core';
import { checkModel, cosine, seededUniform } from '@onnx-ts/optimizer';
import { registerOptimizerCommands } from '../src/commands/optimizer.js';
import { LIGHT, tempDir } from './helpers.js';

const ort = createRequire(import.meta.url)('onnxruntime-node');

function random(dims: number[], seed: number, scale = 1): Tensor {
  const r = seededUniform(seed);
  return new Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (r() * 2 - 1) * scale), dims);
}

/** Conv(3→8) + Relu + GlobalAveragePool + Flatten + Gemm(8→4), seeded random weights, and a 64→64 MatMul branch. */
function testModel(): Model {
  const g = new GraphBuilder();
  g.input('x', 'float32', [1, 3, 8, 8]);
  g.input('v', 'float32', [2, 64]);
  g.initializer('w', random([8, 3, 3, 3], 1, 0.5));
  g.initializer('fc', random([4, 8], 2, 0.5));
  g.initializer('fc_b', random([4], 3, 0.1));
  g.initializer('m', random([64, 64], 4, 0.3));
  g.initializer('m_b', random([64], 5, 0.1));
  g.initializer('m2', random([64, 16], 6, 0.3));
  const feat = g.op('Flatten', [g.op('GlobalAveragePool', [g.op('Relu', [g.op('Conv', ['x', 'w'], { pads: [1, 1, 1, 1] })])])]);
  g.node('Gemm', [feat, 'fc', 'fc_b'], { transB: 1 }, { outputs: ['y'] });
  const h = g.op('Relu', [g.op('Add', [g.op('MatMul', ['v', 'm']), 'm_b'])]);
  g.node('MatMul', [g.op('Identity', [h]), 'm2'], {}, { outputs: ['z'] });
  g.output('y', 'float32', [1, 4]);
  g.output('z', 'float32', [2, 16]);
  return buildModel(g.build(), { 'ai.onnx': 13 });
}

const feeds = { x: random([1, 3, 8, 8], 10), v: random([2, 64], 11) };
const dir = tempDir();
const input = join(dir, 'model.onnx');
writeFileSync(input, saveModel(testModel()));

/** Runs one command; returns what it printed on stdout. */
async function cli(args: string[]): Promise<string> {
  const program = new Command('onnx-ts').exitOverride();
  registerOptimizerCommands(program);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => { lines.push(parts.join(' ')); };
  try {
    await program.parseAsync(['node', 'onnx-ts', ...args]);
  } finally {
    console.log = log;
  }
  return lines.join('\n');
}

async function ortOutputs(path: string): Promise<Record<string, Float32Array>> {
  const s = await ort.InferenceSession.create(new Uint8Array(readFileSync(path)));
  const out = await s.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor('float32', t.data, t.dims)])));
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, (v as { data: Float32Array }).data]));
}

function read(path: string): Model {
  return decodeModel(new Uint8Array(readFileSync(path)));
}

test('optimize -o OUT: fewer nodes, valid, same outputs in onnxruntime; --json report', async () => {
  const out = join(dir, 'opt.onnx');
  const text = await cli(['optimize', input, '-o', out]);
  assert.match(text, /nodes 10 → 8/);
  assert.match(text, /noop-elimination/);
  const m = read(out);
  assert.ok(checkModel(m).ok);
  assert.ok(m.graph.nodes.some((n) => n.opType === 'Gemm' && n.inputs[0] === 'v'));
  const [a, b] = [await ortOutputs(input), await ortOutputs(out)];
  for (const k of ['y', 'z']) assert.ok(a[k].every((v, i) => Math.abs(v - b[k][i]) <= 1e-4 * Math.max(Math.abs(v), 1e-3)));
  const json = JSON.parse(await cli(['optimize', input, '-o', out, '--level', 'basic', '--json']));
  assert.is(json.nodesBefore, 10);
  assert.is(json.rewrites['matmul-add-to-gemm'], undefined);
});

test('optimize --allow-custom writes com.onnx-ts ops; bad --level is an error', async () => {
  const out = join(dir, 'custom.onnx');
  await cli(['optimize', input, '-o', out, '--allow-custom']);
  const m = read(out);
  assert.ok(m.graph.nodes.some((n) => n.domain === 'com.onnx-ts'));
  assert.is(m.opsetImports.get('com.onnx-ts'), 1);
  try {
    await cli(['optimize', input, '-o', out, '--level', 'max']);
    assert.unreachable('should fail');
  } catch (e) {
    assert.match((e as Error).message, /--level max: expected basic, extended or all/);
  }
});

test('quantize --mode dynamic --per-channel: integer ops, cosine >= 0.99, report table', async () => {
  const out = join(dir, 'dyn.onnx');
  const text = await cli(['quantize', input, '-o', out, '--mode', 'dynamic', '--per-channel']);
  assert.match(text, /dynamic qoperator per-channel: 4 node\(s\) quantized/);
  assert.match(text, /tensor +kind +type +scale +zero point/);
  assert.match(text, /cosine/);
  const m = read(out);
  assert.ok(checkModel(m).ok);
  assert.ok(m.graph.nodes.some((n) => n.opType === 'MatMulInteger'));
  const [a, b] = [await ortOutputs(input), await ortOutputs(out)];
  for (const k of ['y', 'z']) assert.ok(cosine(a[k], b[k]) >= 0.99, k);
});

test('quantize --mode static from a calibration folder (input_K.pb), entropy, qoperator', async () => {
  const calib = join(dir, 'calib');
  for (let s = 0; s < 3; s++) {
    mkdirSync(join(calib, `sample_${s}`), { recursive: true });
    writeFileSync(join(calib, `sample_${s}`, 'input_0.pb'), encodeTensor(random([1, 3, 8, 8], 20 + s)));
    writeFileSync(join(calib, `sample_${s}`, 'v.pb'), encodeTensor(random([2, 64], 30 + s)));
  }
  const out = join(dir, 'static.onnx');
  const json = JSON.parse(await cli(['quantize', input, '-o', out, '--mode', 'static', '--format', 'qoperator', '--calibrate', calib, '--calibrator', 'entropy', '--json']));
  assert.is(json.format, 'qoperator');
  assert.ok(json.tensors.some((t: { kind: string }) => t.kind === 'activation'));
  assert.is(json.outputs.length, 2);
  const m = read(out);
  assert.ok(checkModel(m).ok);
  const [a, b] = [await ortOutputs(input), await ortOutputs(out)];
  for (const k of ['y', 'z']) assert.ok(cosine(a[k], b[k]) >= 0.99, `${k}: ${cosine(a[k], b[k])}`);
});

test('quantize --mode static --calibrate-random 4, percentile, int8 activations, uint8 weights, qdq', async () => {
  const out = join(dir, 'static-qdq.onnx');
  const json = JSON.parse(await cli(['quantize', input, '-o', out, '--mode', 'static', '--format', 'qdq', '--per-channel', '--calibrate-random', '4',
    '--calibrator', 'percentile', '--percentile', '99.9', '--activation-type', 'int8', '--weight-type', 'uint8', '--json']));
  assert.is(json.format, 'qdq');
  const activations = json.tensors.filter((t: { kind: string }) => t.kind === 'activation');
  assert.ok(activations.length >= 2 && activations.every((t: { type: string; zeroPoints: number[] }) => t.type === 'int8' && t.zeroPoints.every((z) => z === 0)));
  assert.ok(json.tensors.filter((t: { kind: string }) => t.kind === 'weight').every((t: { type: string }) => t.type === 'uint8'));
  const m = read(out);
  assert.ok(checkModel(m).ok);
  assert.ok(m.graph.nodes.some((n) => n.opType === 'QuantizeLinear'));
  const [a, b] = [await ortOutputs(input), await ortOutputs(out)];
  for (const k of ['y', 'z']) assert.ok(cosine(a[k], b[k]) >= 0.99, `${k}: ${cosine(a[k], b[k])}`);
});

test('quantize: static without calibration, int4 with --mode, unknown calibrator are errors', async () => {
  const out = join(dir, 'bad.onnx');
  for (const [args, message] of [
    [['--mode', 'static'], /needs calibration inputs/],
    [['--weight-only-int4', '--mode', 'dynamic'], /leave out --mode/],
    [['--mode', 'static', '--calibrate-random', '2', '--calibrator', 'kl'], /--calibrator kl/],
    [['--mode', 'dynamic', '--calibrate', join(dir, 'nowhere')], /no such directory/],
  ] as const) {
    let error = '';
    await cli(['quantize', input, '-o', out, ...args]).catch((e: Error) => { error = e.message; });
    assert.match(error, message);
  }
});

test('quantize --weight-only-int4 --block-size 32: blocked DequantizeLinear, opset 21', async () => {
  const out = join(dir, 'int4.onnx');
  await cli(['quantize', input, '-o', out, '--weight-only-int4', '--block-size', '32']);
  const m = read(out);
  assert.ok(checkModel(m).ok);
  assert.is(m.opsetImports.get('ai.onnx'), 21);
  assert.ok(m.graph.nodes.some((n) => n.opType === 'DequantizeLinear' && n.attributes.some((a) => a.name === 'block_size' && a.value === 32)));
  const [a, b] = [await ortOutputs(input), await ortOutputs(out)];
  assert.ok(cosine(a.z, b.z) >= 0.99);
});

test('prune --sparsity 0.5 and --structured: sparsity reached, model smaller, still runs', async () => {
  const out = join(dir, 'pruned.onnx');
  const text = await cli(['prune', input, '-o', out, '--sparsity', '0.5', '--global']);
  assert.match(text, /unstructured: target 50\.0%, achieved 50\.0%/);
  const structured = join(dir, 'structured.onnx');
  const json = JSON.parse(await cli(['prune', input, '-o', structured, '--sparsity', '0.5', '--structured', '--json']));
  assert.ok(json.parametersAfter < json.parametersBefore);
  assert.ok(readFileSync(structured).length < readFileSync(input).length);
  assert.ok(checkModel(read(structured)).ok);
  const outputs = await ortOutputs(structured);
  assert.is(outputs.z.length, 32);
  let error = '';
  await cli(['prune', input, '-o', out, '--sparsity', '1.5']).catch((e: Error) => { error = e.message; });
  assert.match(error, /--sparsity 1.5: expected a number in \[0, 1\)/);
});

test('convert --fp16 --block-ops: float16 weights, float32 interface, close outputs', async () => {
  const out = join(dir, 'fp16.onnx');
  const text = await cli(['convert', input, '-o', out, '--fp16', '--block-ops', 'Gemm']);
  assert.match(text, /kept in float32 .*Gemm is on the block list/);
  const m = read(out);
  assert.ok(checkModel(m).ok);
  assert.ok([...m.graph.initializers.values()].some((t) => t.type === 'float16'));
  const [a, b] = [await ortOutputs(input), await ortOutputs(out)];
  for (const k of ['y', 'z']) assert.ok(cosine(a[k], b[k]) > 0.999);
  let error = '';
  await cli(['convert', input, '-o', out]).catch((e: Error) => { error = e.message; });
  assert.match(error, /nothing to convert/);
});

test('optimize a light model (weights from ConstantOfShape) from the command line', async () => {
  const out = join(dir, 'squeezenet.onnx');
  const json = JSON.parse(await cli(['optimize', join(LIGHT, 'light_squeezenet.onnx'), '-o', out, '--json']));
  assert.ok(json.nodesAfter < json.nodesBefore);
  assert.ok(checkModel(read(out)).ok);
});

test.run();
