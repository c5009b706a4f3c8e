/**
 * MatMulInteger, QLinearMatMul, ConvInteger and QLinearConv on 'arm' against the reference backend, on random
 * shapes and data: integer results must be identical. Each case also checks that the fast path (not the wrapped
 * reference kernel) ran, and runs twice so the second run uses the cached packed weights.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, numberToFloat16 } from '@onnx-ts/core';
import { configure, fastPathCounts } from '../src/index.js';
import { DEFAULT_TILES } from '../src/config.js';
import { armAndReference, expectClose, forEachBuild, randomBytes, randomInt, rng, scalar, type NodeCase } from './helpers.js';

const BYTE_TYPES = ['int8', 'uint8'] as const;

async function expectSameAsReference(c: NodeCase, what: string): Promise<void> {
  const before = fastPathCounts().get(c.op) ?? 0;
  const { arm, ref } = await armAndReference(c);
  for (let i = 0; i < ref.length; i++) expectClose(arm[i], ref[i], `${what} output ${i}`);
  assert.ok((fastPathCounts().get(c.op) ?? 0) > before, `${what}: the fast path did not run`);
}

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)];

/**
 * Runs `body` on each WebAssembly build, with small tiles (blocks of 4 in k, 8 columns) so that block edges are
 * crossed, then with the default tiles.
 */
async function withTileSizes(body: () => Promise<void>): Promise<void> {
  await forEachBuild(async () => {
    for (const tiles of [{ kc: 4, nc: 8 }, DEFAULT_TILES]) {
      configure({ tiles });
      await body();
    }
    configure({ tiles: DEFAULT_TILES });
  });
}

test('MatMulInteger: random shapes, types and zero points', async () => {
  const next = rng(11);
  await withTileSizes(async () => {
    for (let i = 0; i < 12; i++) {
      const [m, k, n] = [randomInt(next, 1, 9), randomInt(next, 1, 70), randomInt(next, 1, 21)];
      const at = pick(next, BYTE_TYPES);
      const bt = pick(next, BYTE_TYPES);
      const batched = next() < 0.3;
      const a = randomBytes(next, at, batched ? [2, m, k] : [m, k]);
      const b = randomBytes(next, bt, batched ? [2, k, n] : [k, n]);
      const perRow = !batched && next() < 0.5;
      const inputs: (Tensor | undefined)[] = [a, b,
        perRow ? randomBytes(next, at, [m]) : randomBytes(next, at, []),
        !batched && next() < 0.5 ? randomBytes(next, bt, [n]) : randomBytes(next, bt, [])];
      await expectSameAsReference({ op: 'MatMulInteger', inputs, constants: [1], opset: 10 }, `MatMulInteger ${at}×${bt} [${a.dims}]·[${b.dims}]`);
    }
  });
});

test('MatMulInteger: no zero points, 3-D A with a matrix B, 1-D A', async () => {
  const next = rng(12);
  await expectSameAsReference({ op: 'MatMulInteger', inputs: [randomBytes(next, 'uint8', [3, 5, 17]), randomBytes(next, 'int8', [17, 9])], constants: [1] }, '3-D A');
  await expectSameAsReference({ op: 'MatMulInteger', inputs: [randomBytes(next, 'uint8', [17]), randomBytes(next, 'uint8', [17, 9])] }, '1-D A');
});

test('QLinearMatMul: random shapes, per-tensor and per-column B, float32 and float16 scales', async () => {
  const next = rng(13);
  await withTileSizes(async () => {
    for (let i = 0; i < 12; i++) {
      const [m, k, n] = [randomInt(next, 1, 8), randomInt(next, 1, 64), randomInt(next, 1, 20)];
      const at = pick(next, BYTE_TYPES);
      const bt = pick(next, BYTE_TYPES);
      const yt = pick(next, BYTE_TYPES);
      const scaleType = pick(next, ['float32', 'float16'] as const);
      const perColumn = next() < 0.5;
      const scaleOf = (v: number, dims: number[] = []): Tensor => {
        const count = dims.reduce((p, d) => p * d, 1);
        const values = Array.from({ length: count }, () => v * (0.5 + next()));
        return new Tensor('float32', values, dims);
      };
      const inputs = [
        randomBytes(next, at, [m, k]), scaleOf(0.02), randomBytes(next, at, []),
        randomBytes(next, bt, [k, n]), scaleOf(0.01, perColumn ? [n] : []), randomBytes(next, bt, perColumn ? [n] : []),
        scaleOf(0.05 * Math.sqrt(k)), randomBytes(next, yt, []),
      ];
      const cast = (t: Tensor): Tensor => (scaleType === 'float16' && t.type === 'float32' ? toFloat16(t) : t);
      await expectSameAsReference({ op: 'QLinearMatMul', inputs: inputs.map(cast), constants: [3, 4, 5], opset: scaleType === 'float16' ? 21 : 10 },
        `QLinearMatMul ${at}×${bt}→${yt} ${scaleType} [${m},${k}]·[${k},${n}]${perColumn ? ' per column' : ''}`);
    }
  });
});

function toFloat16(t: Tensor): Tensor {
  return new Tensor('float16', Uint16Array.from(t.data as Float32Array, (v) => numberToFloat16(v)), t.dims);
}

interface ConvCase {
  batch: number;
  channels: number;
  outChannels: number;
  group: number;
  image: number[];
  kernel: number[];
  attrs: Record<string, number[] | number | string>;
}

function randomConv(next: () => number): ConvCase {
  const oneD = next() < 0.2;
  const group = pick(next, [1, 1, 2, 3]);
  const channels = group * randomInt(next, 1, 4);
  const outChannels = group * randomInt(next, 1, 5);
  const kernel = oneD ? [randomInt(next, 1, 4)] : [randomInt(next, 1, 4), randomInt(next, 1, 4)];
  const attrs: Record<string, number[] | number | string> = { group };
  const style = pick(next, ['pads', 'same', 'valid', 'none']);
  const dilations = next() < 0.3 && style !== 'same' ? kernel.map(() => randomInt(next, 1, 2)) : kernel.map(() => 1);
  if (dilations.some((d) => d > 1)) attrs.dilations = dilations;
  const image = kernel.map((k, i) => (k - 1) * dilations[i] + 1 + randomInt(next, 0, 9));
  if (style === 'pads') attrs.pads = [...kernel.map(() => randomInt(next, 0, 2)), ...kernel.map(() => randomInt(next, 0, 2))];
  if (style === 'same') attrs.auto_pad = pick(next, ['SAME_UPPER', 'SAME_LOWER']);
  if (style === 'valid') attrs.auto_pad = 'VALID';
  if (next() < 0.4) attrs.strides = kernel.map(() => randomInt(next, 1, 3));
  return { batch: randomInt(next, 1, 2), channels, outChannels, group, image, kernel, attrs };
}

const describeConv = (c: ConvCase): string => `[${c.batch},${c.channels},${c.image}] * [${c.outChannels},${c.channels / c.group},${c.kernel}] ${JSON.stringify(c.attrs)}`;

test('ConvInteger: random geometry (pads, auto_pad, strides, dilations, groups, 1-D)', async () => {
  const next = rng(21);
  await withTileSizes(async () => {
    for (let i = 0; i < 14; i++) {
      const c = randomConv(next);
      const xt = pick(next, BYTE_TYPES);
      const wt = pick(next, BYTE_TYPES);
      const x = randomBytes(next, xt, [c.batch, c.channels, ...c.image]);
      const w = randomBytes(next, wt, [c.outChannels, c.channels / c.group, ...c.kernel]);
      const wZero = next() < 0.5 ? randomBytes(next, wt, [c.outChannels]) : randomBytes(next, wt, []);
      await expectSameAsReference({ op: 'ConvInteger', inputs: [x, w, randomBytes(next, xt, []), wZero], constants: [1, 3], attrs: c.attrs, opset: 10 },
        `ConvInteger ${xt}*${wt} ${describeConv(c)}`);
    }
  });
});

test('ConvInteger: 1×1 stride-1 convolution (direct operand, no im2col)', async () => {
  const next = rng(22);
  const x = randomBytes(next, 'uint8', [1, 13, 5, 7]);
  const w = randomBytes(next, 'int8', [6, 13, 1, 1]);
  await expectSameAsReference({ op: 'ConvInteger', inputs: [x, w, scalar('uint8', 128)], constants: [1] }, 'pointwise');
});

test('ConvInteger: stride 2 over wide rows (im2col takes 16 outputs at a time inside a row), padded', async () => {
  const next = rng(24);
  for (const [xt, width] of [['uint8', 75], ['int8', 70]] as const) {
    const x = randomBytes(next, xt, [1, 2, 5, width]);
    const w = randomBytes(next, 'int8', [3, 2, 3, 3]);
    await expectSameAsReference({ op: 'ConvInteger', inputs: [x, w, randomBytes(next, xt, [])], constants: [1], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } }, `stride 2, ${xt}, width ${width}`);
  }
});

test('QLinearConv: random geometry, per-channel weights, bias, int8 and uint8 outputs', async () => {
  const next = rng(23);
  await withTileSizes(async () => {
    for (let i = 0; i < 14; i++) {
      const c = randomConv(next);
      const xt = pick(next, BYTE_TYPES);
      const wt = pick(next, BYTE_TYPES);
      const yt = pick(next, BYTE_TYPES);
      const perChannel = next() < 0.5;
      const depth = (c.channels / c.group) * c.kernel.reduce((p, k) => p * k, 1);
      const wScale = new Tensor('float32', Array.from({ length: perChannel ? c.outChannels : 1 }, () => 0.005 + 0.02 * next()), perChannel ? [c.outChannels] : []);
      const inputs = [
        randomBytes(next, xt, [c.batch, c.channels, ...c.image]), scalar('float32', 0.02 + 0.01 * next()), randomBytes(next, xt, []),
        randomBytes(next, wt, [c.outChannels, c.channels / c.group, ...c.kernel]), wScale, randomBytes(next, wt, perChannel ? [c.outChannels] : []),
        scalar('float32', 0.02 * Math.sqrt(depth) + 0.05 * next()), randomBytes(next, yt, []),
        next() < 0.7 ? new Tensor('int32', Int32Array.from({ length: c.outChannels }, () => randomInt(next, -5000, 5000)), [c.outChannels]) : undefined,
      ];
      await expectSameAsReference({ op: 'QLinearConv', inputs, constants: [3, 4, 5, 8], attrs: c.attrs, opset: 10 },
        `QLinearConv ${xt}*${wt}→${yt} ${describeConv(c)}${perChannel ? ' per channel' : ''}`);
    }
  });
});

test('QLinearConv: depthwise convolution (group = channels)', async () => {
  const next = rng(24);
  const channels = 10;
  const inputs = [
    randomBytes(next, 'uint8', [1, channels, 9, 9]), scalar('float32', 0.03), scalar('uint8', 120),
    randomBytes(next, 'int8', [channels, 1, 3, 3]), new Tensor('float32', Array.from({ length: channels }, () => 0.01 + 0.01 * next()), [channels]), new Tensor('int8', new Int8Array(channels), [channels]),
    scalar('float32', 0.07), scalar('uint8', 128),
  ];
  await expectSameAsReference({ op: 'QLinearConv', inputs, constants: [3, 4, 5], attrs: { group: channels, pads: [1, 1, 1, 1] } }, 'depthwise');
});

test.run();
