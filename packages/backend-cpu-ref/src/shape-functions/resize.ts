/**
 * Shape functions of Resize and Upsample: output dims from constant scales or sizes by the kernel's own rules
 * (floor(dim · scale), sizes as given or scaled to keep the aspect ratio, axes of opset 18 on).
 */
import { attr, normalizeAxis, type Dim, type ShapeContext, type ShapeFunction, type ValueFacts } from '@onnx-ts/core';
import { numericValues } from '../ops/vision/numeric.js';
import { resizeAxes, type ResizeRequest } from '../ops/vision/resize.js';
import { unknownDims } from './common.js';

/** An input that is absent or empty, which Resize treats alike. */
const omitted = (c: ShapeContext, i: number): boolean => !c.present(i) || c.input(i).shape?.some((d) => d === 0) === true;

/** Contents of constant input i as numbers; [] when omitted, undefined when not known before a run. */
function constantNumbers(c: ShapeContext, i: number): Float64Array | undefined {
  if (omitted(c, i)) return new Float64Array(0);
  const t = c.constant(i);
  return t && numericValues(c.node.opType, `input ${i}`, t);
}

/**
 * The output dims: a resized axis with a fixed length gets what the kernel computes; one with a symbolic length keeps
 * it under scale 1, takes its size when sizes stretch, and is unknown otherwise, as are all resized axes when the
 * aspect ratio ties them to a symbolic one.
 */
function resizedDims(c: ShapeContext, dims: readonly Dim[], r: ResizeRequest): Dim[] {
  // Symbolic dims stand in as 1 so the kernel's rules run; what they give is only read for fixed dims and sizes.
  const plan = resizeAxes(c.node.opType, dims.map((d) => (typeof d === 'number' ? d : 1)), r);
  const resized = r.axes ? r.axes.map((a) => normalizeAxis(a, dims.length)) : dims.map((_, i) => i);
  const tied = r.keepAspectRatio !== 'stretch' && resized.some((a) => typeof dims[a] !== 'number');
  return dims.map((d, i) => {
    if (!resized.includes(i)) return d;
    if (tied) return null;
    if (typeof d === 'number' || r.sizes) return plan[i].outLen;
    return plan[i].scale === 1 && r.coordinateMode !== 'tf_crop_and_resize' ? d : null;
  });
}

/** Resize: scales is input 1 in opset 10, then (roi, scales, sizes) are inputs 1 to 3. */
function resizeFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  if (!x.shape) return [{ type: x.type }];
  const legacy = c.opset < 11;
  const scales = constantNumbers(c, legacy ? 1 : 2);
  const roi = legacy ? new Float64Array(0) : constantNumbers(c, 1);
  const sizes = legacy || omitted(c, 3) ? [] : c.ints(3);
  if (!scales || !roi || !sizes) return [unknownDims(x.type, x.shape.length)];
  const a = c.attrs({ axes: attr.ints(), keep_aspect_ratio_policy: attr.string('stretch'), coordinate_transformation_mode: attr.string('half_pixel') });
  const request: ResizeRequest = {
    scales: scales.length ? scales : undefined,
    sizes: sizes.length ? sizes : undefined,
    roi: roi.length ? roi : undefined,
    axes: c.opset >= 18 ? a.axes : undefined,
    keepAspectRatio: c.opset >= 18 ? a.keep_aspect_ratio_policy : 'stretch',
    coordinateMode: legacy ? 'asymmetric' : a.coordinate_transformation_mode,
  };
  return [{ type: x.type, shape: resizedDims(c, x.shape, request) }];
}

/** Upsample: scales by attribute in opsets 7 and 8, by input 1 from 9; one per axis, floor(dim · scale). */
function upsampleFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  const scales = c.opset < 7 ? undefined : c.opset < 9 ? c.attrs({ scales: attr.floats() }).scales : constantNumbers(c, 1);
  if (!x.shape || scales?.length !== x.shape.length) return [unknownDims(x.type, x.shape?.length)];
  return [{ type: x.type, shape: resizedDims(c, x.shape, { scales: Float64Array.from(scales), keepAspectRatio: 'stretch', coordinateMode: 'asymmetric' }) }];
}

export const resizeShapes: Record<string, ShapeFunction> = { Resize: resizeFacts, Upsample: upsampleFacts };
