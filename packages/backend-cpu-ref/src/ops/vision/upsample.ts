/**
 * Upsample (deprecated since opset 10 in favour of Resize): opset 1 (height_scale/width_scale attributes, 'bilinear'),
 * 7 (scales attribute), 9 (scales input). Output dims are floor(input * scale); coordinates are asymmetric.
 */
import { FLOAT_DTYPES, attr, defineKernel, type Tensor } from '@onnx-ts/core';
import { choice, expectRank, tensorInput } from './inputs.js';
import { numericValues } from './numeric.js';
import { resample, resampleOptions } from './resample.js';
import { resizeAxes } from './resize.js';

const OP = 'Upsample';

function upsample(x: Tensor, scales: ArrayLike<number>, mode: 'nearest' | 'linear'): Tensor {
  if (scales.length !== x.dims.length) {
    throw new Error(`${OP}: scales has ${scales.length} values, expected one per axis of X (${x.dims.length})`);
  }
  for (let i = 0; i < scales.length; i++) {
    if (!(scales[i] >= 1)) throw new Error(`${OP}: scales[${i}] must be >= 1, got ${scales[i]}`);
  }
  const axes = resizeAxes(OP, x.dims, { scales: Float64Array.from(scales), keepAspectRatio: 'stretch', coordinateMode: 'asymmetric' });
  return resample(OP, x, axes, resampleOptions(mode, 'legacy'));
}

export default [
  defineKernel({
    op: OP, since: 1, until: 6,
    dtypes: FLOAT_DTYPES,
    attrs: { height_scale: attr.float.required(), width_scale: attr.float.required(), mode: attr.string('nearest') },
    run: ([x], { height_scale, width_scale, mode }) => {
      const X = tensorInput(OP, x, 'X');
      expectRank(OP, X, 'X', 4);
      const m = choice(OP, mode, ['nearest', 'bilinear'] as const, 'mode');
      return [upsample(X, [1, 1, height_scale, width_scale], m === 'bilinear' ? 'linear' : 'nearest')];
    },
  }),
  defineKernel({
    op: OP, since: 7, until: 8,
    attrs: { scales: attr.floats.required(), mode: attr.string('nearest') },
    run: ([x], { scales, mode }) => [
      upsample(tensorInput(OP, x, 'X'), scales, choice(OP, mode, ['nearest', 'linear'] as const, 'mode')),
    ],
  }),
  defineKernel({
    op: OP, since: 9,
    attrs: { mode: attr.string('nearest') },
    run: ([x, scales], { mode }) => [
      upsample(
        tensorInput(OP, x, 'X'),
        numericValues(OP, 'scales', tensorInput(OP, scales, 'scales')),
        choice(OP, mode, ['nearest', 'linear'] as const, 'mode'),
      ),
    ],
  }),
];
