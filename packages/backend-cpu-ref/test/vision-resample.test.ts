/**
 * Resize, Upsample, GridSample, AffineGrid, RoiAlign, MaxRoiPool and NonMaxSuppression on small inputs whose
 * expected outputs are worked out by hand from the operator definitions (the ONNX node tests cover the rest).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { f32, i64, plain, rejects, runTensor } from './tensor-harness.js';

const u8 = (values: number[], dims: number[] = [values.length]): Tensor => new Tensor('uint8', Uint8Array.from(values), dims);

/** Asserts dims and elementwise closeness (1e-5 relative). */
function near(t: Tensor, dims: number[], expected: number[]): void {
  assert.equal([...t.dims], dims);
  const got = Array.from(t.data as Float32Array);
  assert.is(got.length, expected.length);
  got.forEach((v, i) => {
    if (Math.abs(v - expected[i]) > 1e-5 * Math.max(1, Math.abs(expected[i]))) {
      assert.unreachable(`element ${i}: got ${v}, expected ${expected[i]} (all: ${got.join(', ')})`);
    }
  });
}

test('Resize nearest: asymmetric coordinates with each nearest_mode', async () => {
  const x = f32([1, 2, 3], [1, 3]);
  const scales = f32([1, 2]);
  // x_original = x / 2 = 0, .5, 1, 1.5, 2, 2.5
  const floorish = await runTensor('Resize', [x, undefined, scales], { coordinate_transformation_mode: 'asymmetric' });
  near(floorish, [1, 6], [1, 1, 2, 2, 3, 3]);
  const ceilish = await runTensor('Resize', [x, undefined, scales], { coordinate_transformation_mode: 'asymmetric', nearest_mode: 'round_prefer_ceil' });
  near(ceilish, [1, 6], [1, 2, 2, 3, 3, 3]);
  const ceil = await runTensor('Resize', [x, undefined, scales], { coordinate_transformation_mode: 'asymmetric', nearest_mode: 'ceil' });
  near(ceil, [1, 6], [1, 2, 2, 3, 3, 3]);
});

test('Resize linear: half_pixel, align_corners and pytorch_half_pixel', async () => {
  // half_pixel, 4 -> 2: x_original = (x + .5) * 2 - .5 = .5, 2.5
  near(await runTensor('Resize', [f32([1, 2, 3, 4], [1, 4]), undefined, undefined, i64([1, 2])], { mode: 'linear' }), [1, 2], [1.5, 3.5]);
  // align_corners, 2 -> 3: x_original = x * 1 / 2
  near(await runTensor('Resize', [f32([0, 10]), undefined, undefined, i64([3])], { mode: 'linear', coordinate_transformation_mode: 'align_corners' }), [3], [0, 5, 10]);
  // pytorch_half_pixel maps a length-1 output to coordinate 0.
  near(await runTensor('Resize', [f32([4, 8]), undefined, undefined, i64([1])], { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' }), [1], [4]);
});

test('Resize cubic reproduces a ramp inside the tensor; exclude_outside renormalizes at the border', async () => {
  const ramp = f32([0, 1, 2, 3, 4, 5, 6, 7]);
  const y = await runTensor('Resize', [ramp, undefined, f32([2])], { mode: 'cubic', coordinate_transformation_mode: 'asymmetric' });
  assert.equal([...y.dims], [16]);
  // Output 5 samples x = 2.5 from taps 1..4: Keys' kernel is exact on linear data.
  near(new Tensor('float32', (y.data as Float32Array).slice(4, 6), [2]), [2], [2, 2.5]);
  // Output 1 samples x = 0.5 with taps -1..2; excluding tap -1 leaves weights K(.5), K(.5), K(1.5) renormalized.
  const A = -0.75;
  const k05 = (A + 2) * 0.125 - (A + 3) * 0.25 + 1;
  const k15 = A * 3.375 - 5 * A * 2.25 + 8 * A * 1.5 - 4 * A;
  const ex = await runTensor('Resize', [ramp, undefined, f32([2])], { mode: 'cubic', coordinate_transformation_mode: 'asymmetric', exclude_outside: 1 });
  near(new Tensor('float32', (ex.data as Float32Array).slice(1, 2), [1]), [1], [(k05 * 1 + k15 * 2) / (2 * k05 + k15)]);
});

test('Resize tf_crop_and_resize takes roi and fills outside points with extrapolation_value', async () => {
  // roi [.5, 1.5] on length 5: x_original = 2 + x * 4 / 2 = 2, 4, 6 (outside)
  const y = await runTensor('Resize', [f32([0, 1, 2, 3, 4]), f32([0.5, 1.5]), undefined, i64([3])],
    { mode: 'linear', coordinate_transformation_mode: 'tf_crop_and_resize', extrapolation_value: 9 });
  near(y, [3], [2, 4, 9]);
  const nearest = await runTensor('Resize', [f32([0, 1, 2, 3, 4]), f32([0.5, 1.5]), undefined, i64([3])],
    { coordinate_transformation_mode: 'tf_crop_and_resize', extrapolation_value: -1 });
  near(nearest, [3], [2, 4, -1]);
  await rejects(() => runTensor('Resize', [f32([0, 1]), undefined, undefined, i64([3])], { coordinate_transformation_mode: 'tf_crop_and_resize' }), /needs the roi input/);
});

test('Resize tf_crop_and_resize with scales sizes the cropped region', async () => {
  // roi [.5, 1] of length 5 scaled by 2: 5 * .5 * 2 = 5 outputs at x_original = 2 + x * .5 * 4 / 4.
  const y = await runTensor('Resize', [f32([0, 1, 2, 3, 4]), f32([0.5, 1]), f32([2])], { mode: 'linear', coordinate_transformation_mode: 'tf_crop_and_resize' });
  near(y, [5], [2, 2.5, 3, 3.5, 4]);
});

test('Resize linear in three dimensions, on float16, and on empty tensors', async () => {
  // v = 4z + 2y + x on a 2x2x2 cube; align_corners to 3x3x3 samples at half steps, and trilinear is exact.
  const cube = f32([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]);
  const y = await runTensor('Resize', [cube, undefined, undefined, i64([3, 3, 3])], { mode: 'linear', coordinate_transformation_mode: 'align_corners' });
  const expected: number[] = [];
  for (let z = 0; z < 3; z++) for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) expected.push(2 * z + r + c / 2);
  near(y, [3, 3, 3], expected);
  const half = new Tensor('float16', Uint16Array.of(0x3c00, 0x4000), [2]); // 1, 2
  const h = await runTensor('Resize', [half, undefined, undefined, i64([3])], { mode: 'linear', coordinate_transformation_mode: 'align_corners' });
  assert.equal(plain(h), { dims: [3], data: [0x3c00, 0x3e00, 0x4000] }); // 1, 1.5, 2
  const empty = await runTensor('Resize', [new Tensor('float32', new Float32Array(0), [0, 2]), undefined, f32([1, 2])], { mode: 'linear' });
  assert.equal([...empty.dims], [0, 4]);
});

test('Resize antialias widens the linear filter when shrinking', async () => {
  const x = f32([0, 0, 0, 6, 0, 0, 0, 0]);
  // Output 1 samples x = 2.5; the filter stretched by 2 weighs inputs 1..4 as 1/8, 3/8, 3/8, 1/8.
  near(await runTensor('Resize', [x, undefined, undefined, i64([4])], { mode: 'linear', antialias: 1 }), [4], [0, 2.25, 0.75, 0]);
  near(await runTensor('Resize', [x, undefined, undefined, i64([4])], { mode: 'linear' }), [4], [0, 3, 0, 0]);
  await rejects(() => runTensor('Resize', [x, undefined, undefined, i64([4])], { antialias: 1 }), /antialias/);
});

test('Resize axes with keep_aspect_ratio_policy not_larger and not_smaller', async () => {
  const x = f32([0, 1, 2, 3, 4, 5, 6, 7], [1, 1, 2, 4]);
  // sizes [3, 3] on [2, 4]: scales 1.5 and .75; not_larger keeps .75 -> [2, 3] (round half up of 1.5 and 3).
  const small = await runTensor('Resize', [x, undefined, undefined, i64([3, 3])], { axes: [-2, -1], keep_aspect_ratio_policy: 'not_larger' });
  near(small, [1, 1, 2, 3], [0, 1, 3, 4, 5, 7]);
  const large = await runTensor('Resize', [x, undefined, undefined, i64([3, 3])], { axes: [2, 3], keep_aspect_ratio_policy: 'not_smaller' });
  assert.equal([...large.dims], [1, 1, 3, 6]);
  await rejects(() => runTensor('Resize', [x, undefined, undefined, i64([3, 3])], { axes: [2, 2] }), /repeat an axis/);
});

test('Resize on integer and string tensors: rounding, saturation, copying', async () => {
  const y = await runTensor('Resize', [u8([0, 255]), undefined, undefined, i64([3])], { mode: 'linear', coordinate_transformation_mode: 'align_corners' });
  assert.equal(plain(y), { dims: [3], data: [0, 128, 255] });
  // Cubic overshoots next to a step; the output saturates instead of wrapping.
  const step = await runTensor('Resize', [u8([0, 0, 255, 255]), undefined, f32([4])], { mode: 'cubic', coordinate_transformation_mode: 'asymmetric' });
  const data = Array.from(step.data as Uint8Array);
  assert.is(data[9], 255); // x = 2.25 would be 281.9
  assert.is(data[7], 197); // x = 1.75: 255 * (K(.25) + K(1.25)) = 197.2
  const s = await runTensor('Resize', [new Tensor('string', ['a', 'b'], [2]), undefined, f32([2])]);
  assert.equal(plain(s), { dims: [4], data: ['a', 'a', 'b', 'b'] });
  const big = await runTensor('Resize', [i64([9007199254740993n]), undefined, f32([2])]);
  assert.equal(plain(big), { dims: [2], data: [9007199254740993n, 9007199254740993n] });
});

test('Resize rejects bad scales and sizes', async () => {
  const x = f32([1, 2, 3, 4], [2, 2]);
  await rejects(() => runTensor('Resize', [x, undefined, f32([1, 2]), i64([2, 4])]), /only one of scales and sizes/);
  await rejects(() => runTensor('Resize', [x, undefined, f32([2])]), /scales has 1 values, expected 2/);
  await rejects(() => runTensor('Resize', [x, undefined, f32([1, 0])]), /positive/);
  await rejects(() => runTensor('Resize', [x]), /one of scales and sizes is required/);
  await rejects(() => runTensor('Resize', [x, undefined, f32([1, 2])], { mode: 'area' }), /mode 'area'/);
  await rejects(() => runTensor('Resize', [x, undefined, f32([1, 2])], { coordinate_transformation_mode: 'half_pixel_symmetric' }, { opset: 18 }), /half_pixel_symmetric/);
});

test('Resize opset 10 and Upsample use asymmetric coordinates', async () => {
  // Shrinking by .6: x_original = 0, 1.67, 3.33; pre-11 nearest takes the ceiling when shrinking.
  near(await runTensor('Resize', [f32([0, 1, 2, 3, 4]), f32([0.6])], {}, { opset: 10 }), [3], [0, 2, 4]);
  near(await runTensor('Resize', [f32([0, 1, 2, 3]), f32([2])], { mode: 'linear' }, { opset: 10 }), [8], [0, 0.5, 1, 1.5, 2, 2.5, 3, 3]);
  near(await runTensor('Upsample', [f32([1, 2], [1, 2])], { scales: [1, 2] }, { opset: 7 }), [1, 4], [1, 1, 2, 2]);
  near(await runTensor('Upsample', [f32([1, 2], [1, 2]), f32([1, 2])], { mode: 'linear' }, { opset: 9 }), [1, 4], [1, 1.5, 2, 2]);
  const v1 = await runTensor('Upsample', [f32([1, 2], [1, 1, 1, 2])], { height_scale: 2, width_scale: 2, mode: 'bilinear' }, { opset: 1 });
  near(v1, [1, 1, 2, 4], [1, 1.5, 2, 2, 1, 1.5, 2, 2]);
  await rejects(() => runTensor('Upsample', [f32([1, 2]), f32([0.5])], {}, { opset: 9 }), />= 1/);
});

test('GridSample bilinear with each padding mode and align_corners', async () => {
  const x = f32([1, 2, 3, 4], [1, 1, 2, 2]);
  const grid = f32([0, 0, -1, -1], [1, 1, 2, 2]);
  // Center: 2.5. Corner (-1, -1): pixel centre with align_corners; the outer corner without, half outside.
  near(await runTensor('GridSample', [x, grid], { align_corners: 1 }), [1, 1, 1, 2], [2.5, 1]);
  near(await runTensor('GridSample', [x, grid]), [1, 1, 1, 2], [2.5, 0.25]);
  near(await runTensor('GridSample', [x, grid], { padding_mode: 'border' }), [1, 1, 1, 2], [2.5, 1]);
  near(await runTensor('GridSample', [x, grid], { padding_mode: 'reflection' }), [1, 1, 1, 2], [2.5, 1]);
  // Opset 16 spells the modes bilinear/bicubic.
  near(await runTensor('GridSample', [x, grid], { mode: 'bilinear' }, { opset: 16 }), [1, 1, 1, 2], [2.5, 0.25]);
  await rejects(() => runTensor('GridSample', [x, grid], { mode: 'linear' }, { opset: 16 }), /mode 'linear'/);
  await rejects(() => runTensor('GridSample', [x, f32([0, 0, 0], [1, 1, 1, 3])], {}, { opset: 20 }), /grid must have shape/);
});

test('GridSample nearest, cubic and 3-D', async () => {
  const x = f32([1, 2, 3, 4], [1, 1, 2, 2]);
  // (x, y) = (.5, -1) with align_corners: column .75 rounds to 1, row 0.
  near(await runTensor('GridSample', [x, f32([0.5, -1], [1, 1, 1, 2])], { mode: 'nearest', align_corners: 1 }), [1, 1, 1, 1], [2]);
  // Cubic on a ramp along x reproduces it: column 2.5 of 0..5.
  const ramp = f32([0, 1, 2, 3, 4, 5], [1, 1, 1, 6]);
  near(await runTensor('GridSample', [ramp, f32([0, 0], [1, 1, 1, 2])], { mode: 'cubic', align_corners: 1, padding_mode: 'border' }), [1, 1, 1, 1], [2.5]);
  const cube = f32([0, 1, 2, 3, 4, 5, 6, 7], [1, 1, 2, 2, 2]);
  near(await runTensor('GridSample', [cube, f32([0, 0, 0], [1, 1, 1, 1, 3])]), [1, 1, 1, 1, 1], [3.5]);
  near(await runTensor('GridSample', [cube, f32([1, -1, 1], [1, 1, 1, 1, 3])], { mode: 'nearest', align_corners: 1 }), [1, 1, 1, 1, 1], [5]);
});

test('AffineGrid builds 2-D and 3-D grids', async () => {
  const identity = f32([1, 0, 0, 0, 1, 0], [1, 2, 3]);
  near(await runTensor('AffineGrid', [identity, i64([1, 1, 2, 2])]), [1, 2, 2, 2], [-0.5, -0.5, 0.5, -0.5, -0.5, 0.5, 0.5, 0.5]);
  near(await runTensor('AffineGrid', [identity, i64([1, 1, 2, 2])], { align_corners: 1 }), [1, 2, 2, 2], [-1, -1, 1, -1, -1, 1, 1, 1]);
  const shiftScale = f32([1, 0, 0.5, 0, 2, 0], [1, 2, 3]);
  near(await runTensor('AffineGrid', [shiftScale, i64([1, 3, 1, 2])], { align_corners: 1 }), [1, 1, 2, 2], [-0.5, -2, 1.5, -2]);
  const identity3 = f32([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0], [1, 3, 4]);
  near(await runTensor('AffineGrid', [identity3, i64([1, 1, 1, 1, 2])], { align_corners: 1 }), [1, 1, 1, 2, 3], [-1, -1, -1, 1, -1, -1]);
  await rejects(() => runTensor('AffineGrid', [identity, i64([1, 1, 2, 2, 2])]), /theta must have shape \[1, 3, 4\]/);
});

test('RoiAlign averages bilinear samples, with and without the half-pixel shift', async () => {
  // Each row holds 0, 1, 2, 3, so a sample's value is its x coordinate.
  const x = f32([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], [1, 1, 4, 4]);
  const rois = f32([0, 0, 3, 3], [1, 4]);
  const batch = i64([0]);
  // output_half_pixel: samples at x = .75 and 2.25 -> 1.5; half_pixel shifts them by -.5 -> 1.
  near(await runTensor('RoiAlign', [x, rois, batch], { sampling_ratio: 2, coordinate_transformation_mode: 'output_half_pixel' }), [1, 1, 1, 1], [1.5]);
  near(await runTensor('RoiAlign', [x, rois, batch], { sampling_ratio: 2 }), [1, 1, 1, 1], [1]);
  near(await runTensor('RoiAlign', [x, rois, batch], { sampling_ratio: 2 }, { opset: 10 }), [1, 1, 1, 1], [1.5]);
  await rejects(() => runTensor('RoiAlign', [x, rois, i64([1])]), /batch_indices\[0\] = 1 is out of range/);
});

test('MaxRoiPool pools quadrants of the rounded region', async () => {
  const x = f32(Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]);
  const rois = f32([0, 0, 0, 3, 3, 0, 1, 1, 2, 2], [2, 5]);
  near(await runTensor('MaxRoiPool', [x, rois], { pooled_shape: [2, 2] }), [2, 1, 2, 2], [5, 7, 13, 15, 5, 6, 9, 10]);
  await rejects(() => runTensor('MaxRoiPool', [x, f32([3, 0, 0, 1, 1], [1, 5])], { pooled_shape: [1, 1] }), /batch index 3/);
});

test('NonMaxSuppression suppresses by IoU and score, per class, in both box formats', async () => {
  const boxes = f32([0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, 10, 1, 11], [1, 3, 4]);
  const scores = f32([0.9, 0.8, 0.7], [1, 1, 3]);
  const run = (b: Tensor, extra: (Tensor | undefined)[], attrs = {}) => runTensor('NonMaxSuppression', [b, scores, ...extra], attrs);
  // Boxes 0 and 1 overlap with IoU .9 / 1.1 = .82 > .5.
  assert.equal(plain(await run(boxes, [i64([3]), f32([0.5])])), { dims: [2, 3], data: [0n, 0n, 0n, 0n, 0n, 2n] });
  assert.equal(plain(await run(boxes, [i64([3]), f32([0.9])])).dims, [3, 3]);
  assert.equal(plain(await run(boxes, [i64([3]), f32([0.5]), f32([0.75])])), { dims: [1, 3], data: [0n, 0n, 0n] });
  assert.equal(plain(await run(boxes, [])).dims, [0, 3]);
  const flipped = f32([1, 1, 0, 0, 1, 1.1, 0, 0.1, 1, 11, 0, 10], [1, 3, 4]);
  assert.equal(plain(await run(flipped, [i64([3]), f32([0.5])])).data, [0n, 0n, 0n, 0n, 0n, 2n]);
  const centers = f32([0.5, 0.5, 1, 1, 0.6, 0.5, 1, 1, 10.5, 0.5, 1, 1], [1, 3, 4]);
  assert.equal(plain(await run(centers, [i64([3]), f32([0.5])], { center_point_box: 1 })).data, [0n, 0n, 0n, 0n, 0n, 2n]);
  await rejects(() => run(boxes, [i64([3]), f32([1.5])]), /iou_threshold must be in \[0, 1\]/);
});

test.run();
