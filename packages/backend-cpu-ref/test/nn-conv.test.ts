// Conv, ConvTranspose, DeformConv and Col2Im: small cases worked out by hand, and larger ones (which take the
// tiled im2col and blocked GEMM paths) against a direct loop over the definition written here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { f32, i64, plain, rejects, runTensor } from './tensor-harness.js';

function numbers(count: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.round(((s / 2 ** 32) * 2 - 1) * 1000) / 1000;
  });
}

function close(got: Tensor, want: ArrayLike<number>, tolerance = 1e-4): void {
  const data = got.data as Float32Array;
  assert.is(data.length, want.length, 'element count');
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(data[i] - want[i]) <= tolerance * (1 + Math.abs(want[i])))) {
      assert.unreachable(`element ${i}: got ${data[i]}, want ${want[i]}`);
    }
  }
}

interface Conv2d {
  N: number; C: number; H: number; W: number; M: number; kh: number; kw: number; group: number;
  strides: [number, number]; dilations: [number, number]; pads: [number, number, number, number];
}

/** Y[n, m, oh, ow] = Σ X[n, c, oh·s - p + kh·d, ...]·W[m, c', kh, kw], straight from the definition. */
function directConv(p: Conv2d, x: number[], w: number[]): { dims: number[]; data: number[] } {
  const OH = Math.floor((p.H + p.pads[0] + p.pads[2] - (p.kh - 1) * p.dilations[0] - 1) / p.strides[0]) + 1;
  const OW = Math.floor((p.W + p.pads[1] + p.pads[3] - (p.kw - 1) * p.dilations[1] - 1) / p.strides[1]) + 1;
  const cg = p.C / p.group;
  const mg = p.M / p.group;
  const out: number[] = [];
  for (let n = 0; n < p.N; n++) for (let m = 0; m < p.M; m++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const g = Math.floor(m / mg);
    let sum = 0;
    for (let c = 0; c < cg; c++) for (let i = 0; i < p.kh; i++) for (let j = 0; j < p.kw; j++) {
      const h = oh * p.strides[0] - p.pads[0] + i * p.dilations[0];
      const v = ow * p.strides[1] - p.pads[1] + j * p.dilations[1];
      if (h < 0 || h >= p.H || v < 0 || v >= p.W) continue;
      sum += x[((n * p.C + g * cg + c) * p.H + h) * p.W + v] * w[((m * cg + c) * p.kh + i) * p.kw + j];
    }
    out.push(sum);
  }
  return { dims: [p.N, p.M, OH, OW], data: out };
}

async function checkConv(p: Conv2d): Promise<void> {
  const x = numbers(p.N * p.C * p.H * p.W, p.C * 31 + p.H);
  const w = numbers(p.M * (p.C / p.group) * p.kh * p.kw, p.M * 17 + p.kw);
  const want = directConv(p, x, w);
  const y = await runTensor('Conv', [f32(x, [p.N, p.C, p.H, p.W]), f32(w, [p.M, p.C / p.group, p.kh, p.kw])], {
    strides: p.strides, dilations: p.dilations, pads: p.pads, group: p.group,
  });
  assert.equal([...y.dims], want.dims);
  close(y, want.data);
}

test('Conv 2-D sums each 2x2 window and adds the bias', async () => {
  const x = f32([0, 1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 3, 3]);
  const y = await runTensor('Conv', [x, f32([1, 1, 1, 1], [1, 1, 2, 2]), f32([1])]);
  assert.equal(plain(y), { dims: [1, 1, 2, 2], data: [9, 13, 21, 25] });
});

test('Conv SAME_UPPER pads an odd total at the end, SAME_LOWER at the begin', async () => {
  const x = f32([1, 2, 3, 4], [1, 1, 4]);
  const w = f32([1, 10], [1, 1, 2]);
  assert.equal(plain(await runTensor('Conv', [x, w], { auto_pad: 'SAME_UPPER' })).data, [21, 32, 43, 4]);
  assert.equal(plain(await runTensor('Conv', [x, w], { auto_pad: 'SAME_LOWER' })).data, [10, 21, 32, 43]);
  assert.equal(plain(await runTensor('Conv', [x, w], { auto_pad: 'VALID' })).data, [21, 32, 43]);
  assert.equal(plain(await runTensor('Conv', [x, w], { auto_pad: 'SAME_UPPER', strides: [2] })).data, [21, 43]);
});

test('Conv 1-D with stride and dilation', async () => {
  const y = await runTensor('Conv', [f32([0, 1, 2, 3, 4, 5, 6], [1, 1, 7]), f32([1, 1], [1, 1, 2])], { strides: [2], dilations: [2] });
  assert.equal(plain(y), { dims: [1, 1, 3], data: [2, 6, 10] });
});

test('Conv groups convolve each channel group with its own filters', async () => {
  const y = await runTensor('Conv', [f32([1, 2, 3, 4], [1, 2, 2]), f32([10, 100], [2, 1, 1])], { group: 2 });
  assert.equal(plain(y).data, [10, 20, 300, 400]);
});

test('Conv 1x1 mixes channels at every position; 3-D sums the whole cube', async () => {
  const x = f32([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
  const y = await runTensor('Conv', [x, f32([1, 0, 0, 1, 1, 1], [3, 2, 1, 1])]);
  assert.equal(plain(y), { dims: [1, 3, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8, 6, 8, 10, 12] });
  const cube = await runTensor('Conv', [f32([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 2, 2]), f32([1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 2, 2, 2])]);
  assert.equal(plain(cube), { dims: [1, 1, 1, 1, 1], data: [36] });
});

test('Conv matches the definition with pads, strides, dilations and groups', async () => {
  await checkConv({ N: 2, C: 4, H: 9, W: 11, M: 6, kh: 3, kw: 2, group: 2, strides: [2, 1], dilations: [1, 2], pads: [1, 0, 0, 1] });
  await checkConv({ N: 1, C: 6, H: 7, W: 7, M: 6, kh: 3, kw: 3, group: 6, strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] });
  await checkConv({ N: 1, C: 5, H: 6, W: 5, M: 9, kh: 1, kw: 1, group: 1, strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] });
});

test('Conv big enough to tile its column matrix matches the definition', async () => {
  // 64 channels · 5x5 kernel = 1600 rows by 900 positions: more than one column tile.
  await checkConv({ N: 1, C: 64, H: 30, W: 30, M: 20, kh: 5, kw: 5, group: 1, strides: [1, 1], dilations: [1, 1], pads: [2, 2, 2, 2] });
});

test('3x3 stride-1 Conv (the Winograd path) matches the definition, odd sizes and groups included', async () => {
  await checkConv({ N: 2, C: 16, H: 9, W: 7, M: 16, kh: 3, kw: 3, group: 2, strides: [1, 1], dilations: [1, 1], pads: [0, 1, 2, 1] });
  await checkConv({ N: 1, C: 12, H: 6, W: 5, M: 10, kh: 3, kw: 3, group: 1, strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] });
  // 552 tiles of 2x2 outputs: more than one chunk of transformed tiles.
  await checkConv({ N: 1, C: 128, H: 47, W: 45, M: 128, kh: 3, kw: 3, group: 1, strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] });
});

test('Conv refuses inconsistent shapes and attributes', async () => {
  const x = f32(numbers(18, 1), [1, 2, 3, 3]);
  await rejects(() => runTensor('Conv', [x, f32(numbers(12, 2), [1, 3, 2, 2])]), /needs 3 input channels/);
  await rejects(() => runTensor('Conv', [x, f32(numbers(32, 2), [1, 2, 4, 4])]), /smaller than the kernel/);
  await rejects(() => runTensor('Conv', [x, f32(numbers(8, 2), [1, 2, 2, 2])], { auto_pad: 'SAME' }), /auto_pad must be/);
  await rejects(() => runTensor('Conv', [x, f32(numbers(8, 2), [1, 2, 2, 2])], { kernel_shape: [3, 3] }), /kernel_shape \[3, 3\] differs/);
  await rejects(() => runTensor('Conv', [x, f32(numbers(8, 2), [1, 2, 2, 2])], { pads: [1, 1] }), /'pads' has 2 values, expected 4/);
  await rejects(() => runTensor('Conv', [x, f32(numbers(8, 2), [1, 2, 2, 2]), f32([1, 2])]), /B must be \[1\]/);
});

test('ConvTranspose spreads each input over the kernel, with stride, output_padding, pads and output_shape', async () => {
  const x = f32([1, 2, 3], [1, 1, 3]);
  const w = f32([1, 1], [1, 1, 2]);
  assert.equal(plain(await runTensor('ConvTranspose', [x, w])).data, [1, 3, 5, 3]);
  assert.equal(plain(await runTensor('ConvTranspose', [x, w], { strides: [2] })).data, [1, 1, 2, 2, 3, 3]);
  assert.equal(plain(await runTensor('ConvTranspose', [x, w, f32([0.5])], { strides: [2], output_padding: [1] })).data, [1.5, 1.5, 2.5, 2.5, 3.5, 3.5, 0.5]);
  assert.equal(plain(await runTensor('ConvTranspose', [x, w], { strides: [2], pads: [1, 1] })).data, [1, 2, 2, 3]);
  // output_shape 7 is one more than the natural 6: the total padding -1 puts the extra element at the end.
  assert.equal(plain(await runTensor('ConvTranspose', [x, w], { strides: [2], output_shape: [7] })).data, [1, 1, 2, 2, 3, 3, 0]);
  // SAME_UPPER gives input × stride = 6 outputs; with a 3-wide kernel the one extra is cut at the end.
  assert.equal(plain(await runTensor('ConvTranspose', [x, f32([1, 1, 1], [1, 1, 3])], { strides: [2], auto_pad: 'SAME_UPPER' })).data, [1, 1, 3, 2, 5, 3]);
});

test('ConvTranspose is the adjoint of Conv: <Conv(x), y> = <x, ConvTranspose(y)>', async () => {
  const p = { strides: [2, 1], dilations: [1, 2], pads: [1, 0, 0, 2], group: 2 };
  const x = numbers(1 * 4 * 7 * 6, 5);
  const w = numbers(6 * 2 * 3 * 2, 6);
  const conv = await runTensor('Conv', [f32(x, [1, 4, 7, 6]), f32(w, [6, 2, 3, 2])], p);
  const y = numbers(conv.size, 7);
  // Conv's W [M, C/group, k] read as ConvTranspose's W [C', M'/group, k] with C' = M, M' = C.
  // The same pads; output_padding restores the input row the stride-2 Conv never reached.
  const back = await runTensor('ConvTranspose', [f32(y, conv.dims as number[]), f32(w, [6, 2, 3, 2])], { ...p, output_padding: [1, 0] });
  assert.equal([...back.dims], [1, 4, 7, 6]);
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
  const lhs = dot(conv.data as Float32Array, y);
  const rhs = dot(x, back.data as Float32Array);
  assert.ok(Math.abs(lhs - rhs) < 1e-3 * (1 + Math.abs(lhs)), `${lhs} vs ${rhs}`);
});

test('ConvTranspose refuses a weight whose rows are not the input channels', async () => {
  await rejects(() => runTensor('ConvTranspose', [f32([1, 2], [1, 2, 1]), f32([1], [1, 1, 1])]), /must have 2 rows/);
});

test('DeformConv with zero offsets is Conv; offsets interpolate linearly and the mask scales samples', async () => {
  const x = f32([0, 1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 3, 3]);
  const zero = f32(new Array(32).fill(0), [1, 8, 2, 2]);
  const y = await runTensor('DeformConv', [x, f32([1, 1, 1, 1], [1, 1, 2, 2]), zero]);
  assert.equal(plain(y), { dims: [1, 1, 2, 2], data: [8, 12, 20, 24] });
  const line = f32([0, 10, 20], [1, 1, 3]);
  const half = f32([0.5, 0.5, 0.5], [1, 1, 3]);
  // Samples at 0.5, 1.5, 2.5: the last interpolates 20 with a zero beyond the edge.
  assert.equal(plain(await runTensor('DeformConv', [line, f32([1], [1, 1, 1]), half])).data, [5, 15, 10]);
  const masked = await runTensor('DeformConv', [line, f32([1], [1, 1, 1]), half, undefined, f32([1, 2, 0], [1, 1, 3])]);
  assert.equal(plain(masked).data, [5, 30, 0]);
  await rejects(() => runTensor('DeformConv', [line, f32([1], [1, 1, 1]), f32([0, 0], [1, 1, 2])]), /offset must be \[1, 1, 3\]/);
});

test('Col2Im adds overlapping blocks back into the image, for floats and int64', async () => {
  // 1x3 image, 1x2 blocks at columns 0 and 1: block rows (k0, k1) = ([1, 2], [10, 20]).
  const y = await runTensor('Col2Im', [f32([1, 2, 10, 20], [1, 2, 2]), i64([1, 3]), i64([1, 2])]);
  assert.equal(plain(y), { dims: [1, 1, 1, 3], data: [1, 12, 20] });
  const big = await runTensor('Col2Im', [i64([2n ** 60n, 1n, 1n, 1n], [1, 2, 2]), i64([1, 3]), i64([1, 2])]);
  assert.equal(plain(big).data, [2n ** 60n, 2n, 1n]);
  await rejects(() => runTensor('Col2Im', [f32([1, 2, 10, 20], [1, 2, 2]), i64([1, 4]), i64([1, 2])]), /has 2 blocks but/);
});

test.run();
