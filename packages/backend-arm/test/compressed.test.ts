/**
 * Compressed weights on 'arm' against the reference backend: weight-only int8/int4 (DequantizeLinear per tensor,
 * per column, or blocked along the reduction axis) and float16 weights (float16 models, Cast float16 → float32),
 * in MatMul and Gemm. Also the float16 ↔ float32 conversions of the module against core's codecs, bit for bit.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, Tensor, buildModel, float16ToNumber, numberToFloat16 } from '@onnx-ts/core';
import { fastPathCounts } from '../src/index.js';
import { floatsToHalves, halvesToFloats } from '../src/float-gemm.js';
import { runtime } from '../src/runtime.js';
import { expectClose, forEachBuild, randomFloats, randomInt, rng, runOn } from './helpers.js';

const QUANT_RANGE = { int8: [-128, 127], uint8: [0, 255], int4: [-8, 7], uint4: [0, 15] } as const;
type QuantType = keyof typeof QUANT_RANGE;

function randomQuantized(next: () => number, type: QuantType, dims: number[]): Tensor {
  const [lo, hi] = QUANT_RANGE[type];
  return new Tensor(type, Array.from({ length: dims.reduce((p, d) => p * d, 1) }, () => randomInt(next, lo, hi)), dims);
}

function toHalf(t: Tensor): Tensor {
  return new Tensor('float16', Uint16Array.from(t.data as Float32Array, (v) => numberToFloat16(v)), t.dims);
}

async function compare(model: ReturnType<typeof buildModel>, feeds: Record<string, Tensor>, op: string, what: string, relative: number): Promise<void> {
  const before = fastPathCounts().get(op) ?? 0;
  const arm = await runOn(model, feeds, 'arm', 2);
  const ref = await runOn(model, feeds, 'cpu-ref');
  assert.ok((fastPathCounts().get(op) ?? 0) >= before + 2, `${what}: the compressed-weight path did not run`);
  const scale = Math.max(...Array.from(ref.outputs[0].type === 'float16' ? (ref.outputs[0].data as Uint16Array).map((h) => Math.abs(float16ToNumber(h))) : (ref.outputs[0].data as Float32Array).map(Math.abs)));
  const values = (t: Tensor): Tensor => (t.type === 'float16' ? new Tensor('float32', Float32Array.from(t.data as Uint16Array, float16ToNumber), t.dims) : t);
  assert.is(arm.outputs[0].type, ref.outputs[0].type);
  // The sums run in another order than the reference's: allow rounding relative to the output's magnitude.
  expectClose(values(arm.outputs[0]), values(ref.outputs[0]), what, relative * scale, relative);
}

test('weight-only MatMul: int8/uint8/int4/uint4, per tensor, per column, blocked along k', async () => {
  await forEachBuild(async (build) => {
    const next = rng(900);
    const types: QuantType[] = ['int8', 'uint8', 'int4', 'uint4'];
    for (let i = 0; i < 12; i++) {
      const type = types[i % 4];
      const mode = ['tensor', 'column', 'block'][i % 3];
      const [m, k, n] = [randomInt(next, 1, 7), randomInt(next, 2, 70), randomInt(next, 1, 21)];
      const blockSize = randomInt(next, 2, 16);
      const paramDims = mode === 'tensor' ? [] : mode === 'column' ? [n] : [Math.ceil(k / blockSize), n];
      const count = paramDims.reduce((p, d) => p * d, 1);
      const g = new GraphBuilder('weight-only');
      g.input('a', 'float32', [m, k]);
      const q = g.initializer('q', randomQuantized(next, type, [k, n]));
      const s = g.initializer('s', new Tensor('float32', Array.from({ length: count }, () => 0.01 + 0.05 * next()), paramDims));
      const z = g.initializer('z', randomQuantized(next, type, paramDims));
      const attrs: Record<string, number> = mode === 'column' ? { axis: 1 } : mode === 'block' ? { axis: 0, block_size: blockSize } : {};
      g.output(g.op('MatMul', ['a', g.op('DequantizeLinear', [q, s, z], attrs)]));
      await compare(buildModel(g.build(), { 'ai.onnx': 21 }), { a: randomFloats(next, [m, k]) }, 'MatMul', `${build} ${type} ${mode} [${m},${k}]·[${k},${n}]`, 1e-5);
    }
  });
});

test('weight-only Gemm: transB with blocks along k, bias, alpha and beta', async () => {
  const next = rng(901);
  const [m, k, n, blockSize] = [5, 40, 19, 8];
  const g = new GraphBuilder('gemm');
  g.input('a', 'float32', [m, k]);
  const q = g.initializer('q', randomQuantized(next, 'int4', [n, k]));
  const s = g.initializer('s', new Tensor('float32', Array.from({ length: n * (k / blockSize) }, () => 0.01 + 0.05 * next()), [n, k / blockSize]));
  const w = g.op('DequantizeLinear', [q, s], { axis: 1, block_size: blockSize });
  g.output(g.op('Gemm', ['a', w, g.initializer('c', randomFloats(next, [n]))], { transB: 1, alpha: 0.5, beta: 2 }));
  await compare(buildModel(g.build(), { 'ai.onnx': 21 }), { a: randomFloats(next, [m, k]) }, 'Gemm', 'int4 Gemm transB', 1e-5);
});

test('float16 MatMul and Gemm (float16 model), and MatMul with a Cast float16 weight', async () => {
  const next = rng(902);
  for (const [m, k, n] of [[3, 17, 9], [8, 64, 40], [1, 5, 3]]) {
    const g = new GraphBuilder('half');
    g.input('a', 'float16', [2, m, k]);
    g.output(g.op('MatMul', ['a', g.initializer('b', toHalf(randomFloats(next, [k, n])))]));
    await compare(buildModel(g.build()), { a: toHalf(randomFloats(next, [2, m, k])) }, 'MatMul', `float16 MatMul [2,${m},${k}]·[${k},${n}]`, 2e-3);

    const gemm = new GraphBuilder('half-gemm');
    gemm.input('a', 'float16', [m, k]);
    gemm.output(gemm.op('Gemm', ['a', gemm.initializer('b', toHalf(randomFloats(next, [n, k]))), gemm.initializer('c', toHalf(randomFloats(next, [1, n])))], { transB: 1 }));
    await compare(buildModel(gemm.build()), { a: toHalf(randomFloats(next, [m, k])) }, 'Gemm', `float16 Gemm [${m},${k}]·[${n},${k}]ᵀ`, 2e-3);

    const cast = new GraphBuilder('cast');
    cast.input('a', 'float32', [m, k]);
    cast.output(cast.op('MatMul', ['a', cast.op('Cast', [cast.initializer('b', toHalf(randomFloats(next, [k, n])))], { to: 1 })]));
    await compare(buildModel(cast.build()), { a: randomFloats(next, [m, k]) }, 'MatMul', `Cast float16 weight [${m},${k}]·[${k},${n}]`, 1e-5);
  }
});

test('float16 → float32 decoding is exact for every half; float32 → float16 rounds like core', () => {
  const rt = runtime();
  const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const decoded = rt.withScratch((s) => halvesToFloats(rt, all, s));
  for (let i = 0; i < 65536; i++) {
    const want = float16ToNumber(i);
    if (!(Object.is(decoded[i], Math.fround(want)) || (Number.isNaN(want) && Number.isNaN(decoded[i])))) {
      assert.unreachable(`half 0x${i.toString(16)} decodes to ${decoded[i]}, expected ${want}`);
    }
  }
  const next = rng(903);
  const specials = [0, -0, 1, -1, 65504, 65519, 65520, -65520, 1e-8, 6e-8, 3e-8, 2.98e-8, 6.1e-5, 6.103515625e-5, Infinity, -Infinity, NaN, 1 + 2 ** -11, 1 + 3 * 2 ** -11];
  const values = Float32Array.from([...specials, ...Array.from({ length: 2000 }, () => (next() - 0.5) * 2 ** randomInt(next, -30, 20))]);
  const halves = rt.withScratch((s) => floatsToHalves(rt, values, s));
  for (let i = 0; i < values.length; i++) {
    const want = numberToFloat16(values[i]);
    const same = halves[i] === want || (Number.isNaN(values[i]) && (halves[i] & 0x7c00) === 0x7c00 && (halves[i] & 0x3ff) !== 0);
    assert.ok(same, `${values[i]} encodes to 0x${halves[i].toString(16)}, expected 0x${want.toString(16)}`);
  }
});

test.run();
