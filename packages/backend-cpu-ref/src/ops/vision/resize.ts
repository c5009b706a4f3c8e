/**
 * Resize: opset 10 (X, scales; asymmetric coordinates), 11-17 (X, roi, scales, sizes; coordinate modes, cubic,
 * nearest_mode), 18+ (axes, antialias, keep_aspect_ratio_policy), 19+ (half_pixel_symmetric).
 */
import { attr, defineKernel, normalizeAxis } from '@onnx-ts/core';
import { choice, nonEmptyInput, tensorInput } from './inputs.js';
import { integerValues, numericValues } from './numeric.js';
import { resample, resampleOptions, type AxisResample, type NearestRounding } from './resample.js';

const OP = 'Resize';

/** Coordinate modes by the opset that introduced them; tf_half_pixel_for_nn was dropped in 18. */
function coordinateModes(opset: number): string[] {
  const modes = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_crop_and_resize'];
  if (opset < 18) modes.push('tf_half_pixel_for_nn');
  if (opset >= 19) modes.push('half_pixel_symmetric');
  return modes;
}

const NEAREST_MODES: readonly NearestRounding[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

export interface ResizeRequest {
  scales?: Float64Array;
  sizes?: number[];
  roi?: Float64Array;
  /** Axes that scales, sizes and roi refer to; all axes when omitted. */
  axes?: number[];
  keepAspectRatio: string;
  coordinateMode: string;
}

/** Works out, for every axis of `x`, its input and output length, scale and crop region. */
export function resizeAxes(op: string, dims: readonly number[], r: ResizeRequest): AxisResample[] {
  const rank = dims.length;
  const axes = r.axes ? r.axes.map((a) => normalizeAxis(a, rank, `${op}: axes entry`)) : dims.map((_, i) => i);
  if (new Set(axes).size !== axes.length) throw new Error(`${op}: axes [${r.axes?.join(', ')}] repeat an axis`);
  const n = axes.length;
  const plan: AxisResample[] = dims.map((d) => ({
    inLen: d, outLen: d, scale: 1, lengthResized: d, coordinateMode: r.coordinateMode, roiStart: 0, roiEnd: 1,
  }));
  if (r.roi && r.coordinateMode === 'tf_crop_and_resize') {
    if (r.roi.length !== 2 * n) throw new Error(`${op}: roi has ${r.roi.length} values, expected ${2 * n} (2 per resized axis)`);
    axes.forEach((d, i) => { plan[d].roiStart = r.roi![i]; plan[d].roiEnd = r.roi![n + i]; });
  } else if (r.coordinateMode === 'tf_crop_and_resize') {
    throw new Error(`${op}: coordinate_transformation_mode tf_crop_and_resize needs the roi input`);
  }
  if (r.sizes && r.scales) throw new Error(`${op}: only one of scales and sizes may be given, got both`);
  if (r.sizes) {
    if (r.sizes.length !== n) throw new Error(`${op}: sizes has ${r.sizes.length} values, expected ${n}`);
    const scales = axes.map((d, i) => {
      if (r.sizes![i] < 0) throw new Error(`${op}: sizes[${i}] is negative (${r.sizes![i]})`);
      if (dims[d] === 0 && r.sizes![i] !== 0) throw new Error(`${op}: cannot resize empty axis ${d} to ${r.sizes![i]}`);
      return dims[d] === 0 ? 1 : r.sizes![i] / dims[d];
    });
    if (r.keepAspectRatio === 'stretch') {
      axes.forEach((d, i) => { plan[d].scale = scales[i]; plan[d].outLen = plan[d].lengthResized = r.sizes![i]; });
    } else {
      const scale = r.keepAspectRatio === 'not_larger' ? Math.min(...scales) : Math.max(...scales);
      axes.forEach((d) => {
        plan[d].scale = scale;
        plan[d].lengthResized = scale * dims[d];
        plan[d].outLen = Math.floor(plan[d].lengthResized + 0.5);
      });
    }
  } else if (r.scales) {
    if (r.scales.length !== n) throw new Error(`${op}: scales has ${r.scales.length} values, expected ${n}`);
    axes.forEach((d, i) => {
      const s = r.scales![i];
      if (!(s > 0) || !Number.isFinite(s)) throw new Error(`${op}: scales[${i}] must be a positive number, got ${s}`);
      plan[d].scale = s;
      // With tf_crop_and_resize the scale applies to the cropped region.
      const cropped = r.coordinateMode === 'tf_crop_and_resize' ? plan[d].roiEnd - plan[d].roiStart : 1;
      plan[d].lengthResized = dims[d] * cropped * s;
      plan[d].outLen = Math.floor(plan[d].lengthResized);
    });
  } else {
    throw new Error(`${op}: one of scales and sizes is required`);
  }
  return plan;
}

export default [
  defineKernel({
    op: OP, since: 10, until: 10,
    attrs: { mode: attr.string('nearest') },
    run: ([x, scales], { mode }) => {
      const X = tensorInput(OP, x, 'X');
      const m = choice(OP, mode, ['nearest', 'linear'] as const, 'mode');
      const s = nonEmptyInput(OP, scales, 'scales');
      const axes = resizeAxes(OP, X.dims, {
        scales: s && numericValues(OP, 'scales', s), keepAspectRatio: 'stretch', coordinateMode: 'asymmetric',
      });
      return [resample(OP, X, axes, resampleOptions(m, 'legacy'))];
    },
  }),
  defineKernel({
    op: OP, since: 11,
    attrs: {
      mode: attr.string('nearest'),
      coordinate_transformation_mode: attr.string('half_pixel'),
      cubic_coeff_a: attr.float(-0.75),
      exclude_outside: attr.int(0),
      extrapolation_value: attr.float(0),
      nearest_mode: attr.string('round_prefer_floor'),
      antialias: attr.int(0),
      axes: attr.ints(),
      keep_aspect_ratio_policy: attr.string('stretch'),
    },
    run: ([x, roi, scales, sizes], a, ctx) => {
      const X = tensorInput(OP, x, 'X');
      const mode = choice(OP, a.mode, ['nearest', 'linear', 'cubic'] as const, 'mode');
      const coordinateMode = choice(OP, a.coordinate_transformation_mode, coordinateModes(ctx.opset), 'coordinate_transformation_mode');
      const keepAspectRatio = choice(OP, a.keep_aspect_ratio_policy, ['stretch', 'not_larger', 'not_smaller'], 'keep_aspect_ratio_policy');
      const nearest = choice(OP, a.nearest_mode as NearestRounding, NEAREST_MODES, 'nearest_mode');
      if (a.antialias && mode === 'nearest') throw new Error(`${OP}: antialias applies to linear and cubic modes, not nearest`);
      const roiT = nonEmptyInput(OP, roi, 'roi');
      const scalesT = nonEmptyInput(OP, scales, 'scales');
      const sizesT = nonEmptyInput(OP, sizes, 'sizes');
      const axes = resizeAxes(OP, X.dims, {
        roi: roiT && numericValues(OP, 'roi', roiT),
        scales: scalesT && numericValues(OP, 'scales', scalesT),
        sizes: sizesT && integerValues(OP, 'sizes', sizesT),
        axes: ctx.opset >= 18 ? a.axes : undefined,
        keepAspectRatio: ctx.opset >= 18 ? keepAspectRatio : 'stretch',
        coordinateMode,
      });
      return [resample(OP, X, axes, resampleOptions(mode, nearest, {
        cubicA: a.cubic_coeff_a,
        excludeOutside: a.exclude_outside !== 0,
        antialias: ctx.opset >= 18 && a.antialias !== 0,
        extrapolationValue: a.extrapolation_value,
      }))];
    },
  }),
];
