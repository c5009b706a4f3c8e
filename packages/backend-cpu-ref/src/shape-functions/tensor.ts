/** Shape functions of shape-manipulating ops, which also carry the tracked contents of small integer tensors. */
import {
  MAX_TRACKED_VALUES, attr, broadcastDims, dtypeFromCode, isStatic, normalizeAxis, staticSize, tensorFacts,
  type Dim, type ShapeContext, type ShapeFunction, type ValueFacts,
} from '@onnx-ts/core';
import { axesOf, each, same, unknownDims } from './common.js';

const product = (dims: Dim[]): Dim => (isStatic(dims) ? dims.reduce((a, b) => a * b, 1) : null);

/**
 * The dim that makes `rest` hold as many elements as `input`: symbols on both sides cancel, so [N, 8, 16, 16] into
 * [N, -1] gives 2048, and [N, 4] into [-1, 4] gives N. Null when the count depends on dims nobody knows.
 */
function inferredDim(input: readonly Dim[], rest: readonly Dim[]): Dim {
  if (input.includes(null) || rest.includes(null)) return null;
  const symbols = input.filter((d): d is string => typeof d === 'string');
  for (const d of rest) {
    if (typeof d !== 'string') continue;
    const at = symbols.indexOf(d);
    if (at < 0) return null;
    symbols.splice(at, 1);
  }
  const total = product(input.filter((d) => typeof d === 'number'));
  const known = product(rest.filter((d) => typeof d === 'number'));
  if (typeof total !== 'number' || typeof known !== 'number' || known === 0 || total % known !== 0) return null;
  const quotient = total / known;
  if (symbols.length === 0) return quotient;
  return symbols.length === 1 && quotient === 1 ? symbols[0] : null;
}

function reshapeFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  const target = c.opset < 5 ? c.attrs({ shape: attr.ints() }).shape : c.input(1).value;
  if (!target) {
    const rank = c.input(1).shape?.[0];
    return [unknownDims(x.type, typeof rank === 'number' ? rank : undefined)];
  }
  const allowZero = c.opset >= 14 && c.attrs({ allowzero: attr.int(0) }).allowzero === 1;
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? x.shape?.[i] ?? null : d === -1 ? null : d));
  const unknownAt = target.indexOf(-1);
  if (unknownAt >= 0 && x.shape) out[unknownAt] = inferredDim(x.shape, out.filter((_, i) => i !== unknownAt));
  const facts: ValueFacts = { type: x.type, shape: out.map((d) => (typeof d === 'number' && d < 0 ? null : d)) };
  if (x.value && out.length <= 1) facts.value = x.value;
  return [facts];
}

function sliceFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  if (!x.shape) return [{ type: x.type }];
  const unknown = [unknownDims(x.type, x.shape.length)];
  let starts: number[] | undefined, ends: number[] | undefined, axes: number[] | undefined, steps: number[] | undefined;
  if (c.opset < 10) {
    ({ starts, ends, axes } = c.attrs({ starts: attr.ints(), ends: attr.ints(), axes: attr.ints() }));
  } else {
    starts = c.ints(1);
    ends = c.ints(2);
    axes = c.present(3) ? c.ints(3) : undefined;
    steps = c.present(4) ? c.ints(4) : undefined;
    if ((c.present(3) && !axes) || (c.present(4) && !steps)) return unknown;
  }
  if (!starts || !ends) return unknown;
  const rank = x.shape.length;
  const shape = [...x.shape];
  const ranges: [number, number, number][] = [];
  const axisList = axes ?? starts.map((_, i) => i);
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  for (let i = 0; i < axisList.length; i++) {
    const axis = normalizeAxis(axisList[i], rank);
    const dim = x.shape[axis];
    const step = steps?.[i] ?? 1;
    if (typeof dim !== 'number' || step === 0) {
      shape[axis] = null;
      continue;
    }
    let s = starts[i] < 0 ? starts[i] + dim : starts[i];
    let e = ends[i] < 0 ? ends[i] + dim : ends[i];
    s = step > 0 ? clamp(s, 0, dim) : clamp(s, 0, dim - 1);
    e = step > 0 ? clamp(e, 0, dim) : clamp(e, -1, dim - 1);
    shape[axis] = Math.max(0, Math.ceil((e - s) / step));
    ranges[axis] = [s, e, step];
  }
  const facts: ValueFacts = { type: x.type, shape };
  if (x.value && rank === 1 && ranges[0] && typeof shape[0] === 'number') {
    const [s, , step] = ranges[0];
    facts.value = Array.from({ length: shape[0] }, (_, k) => x.value![s + k * step] ?? null);
  }
  return [facts];
}

function gatherFacts(c: ShapeContext): ValueFacts[] {
  const data = c.input(0);
  const indices = c.input(1);
  if (!data.shape || !indices.shape) return [{ type: data.type }];
  const axis = normalizeAxis(c.attrs({ axis: attr.int(0) }).axis, data.shape.length);
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  const facts: ValueFacts = { type: data.type, shape };
  const idx = c.ints(1);
  if (data.value && data.shape.length === 1 && idx) {
    const n = data.value.length;
    facts.value = idx.map((i) => data.value![i < 0 ? i + n : i] ?? null);
  }
  return [facts];
}

function concatFacts(c: ShapeContext): ValueFacts[] {
  const inputs = c.node.inputs.map((_, i) => c.input(i));
  const type = inputs.find((f) => f.type)?.type;
  const first = inputs.find((f) => f.shape)?.shape;
  if (!first || inputs.some((f) => !f.shape || f.shape.length !== first.length)) return [unknownDims(type, first?.length)];
  const axis = normalizeAxis(c.attrs({ axis: attr.int(0) }).axis, first.length);
  const shape = first.map((d, i) => {
    const dims = inputs.map((f) => f.shape![i]);
    if (i === axis) return isStatic(dims) ? dims.reduce((a, b) => a + b, 0) : null;
    return dims.find((x) => typeof x === 'number') ?? d;
  });
  const facts: ValueFacts = { type, shape };
  if (first.length === 1 && inputs.every((f) => f.value)) facts.value = inputs.flatMap((f) => f.value!);
  return [facts];
}

function unsqueezeFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  const axes = axesOf(c, 13);
  if (!x.shape || !axes) return [{ type: x.type }];
  const rank = x.shape.length + axes.length;
  const norm = axes.map((a) => normalizeAxis(a, rank));
  const shape: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(norm.includes(i) ? 1 : x.shape[k++]);
  const facts: ValueFacts = { type: x.type, shape };
  if (x.value && rank <= 1) facts.value = x.value;
  return [facts];
}

function squeezeFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  const axes = axesOf(c, 13);
  if (!x.shape || axes === undefined) return [{ type: x.type }];
  let drop: number[];
  if (axes === null) {
    if (!isStatic(x.shape)) return [{ type: x.type }];
    drop = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  } else {
    drop = axes.map((a) => normalizeAxis(a, x.shape!.length));
  }
  const shape = x.shape.filter((_, i) => !drop.includes(i));
  const facts: ValueFacts = { type: x.type, shape };
  if (x.value && shape.length <= 1) facts.value = x.value;
  return [facts];
}

function splitFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  const n = c.node.outputs.length;
  if (!x.shape) return c.node.outputs.map(() => ({ type: x.type }));
  const axis = normalizeAxis(c.attrs({ axis: attr.int(0) }).axis, x.shape.length);
  const sizesFromInput = c.opset >= 13 && c.present(1);
  const sizes = c.opset < 13 ? c.attrs({ split: attr.ints() }).split : sizesFromInput ? c.ints(1) : undefined;
  const dim = x.shape[axis];
  return c.node.outputs.map((_, k) => {
    let d: Dim = null;
    if (sizes) d = sizes[k] ?? null;
    else if (!sizesFromInput && typeof dim === 'number' && dim % n === 0) d = dim / n;
    return { type: x.type, shape: x.shape!.map((v, i) => (i === axis ? d : v)) };
  });
}

function constantFacts(c: ShapeContext): ValueFacts[] {
  const a = c.attrs({ value: attr.tensor(), value_float: attr.float(), value_floats: attr.floats(), value_int: attr.int(), value_ints: attr.ints() });
  if (a.value) return [tensorFacts(a.value)];
  if (a.value_float !== undefined) return [{ type: 'float32', shape: [] }];
  if (a.value_floats) return [{ type: 'float32', shape: [a.value_floats.length] }];
  if (a.value_int !== undefined) return [{ type: 'int64', shape: [], value: [a.value_int] }];
  if (a.value_ints) return [{ type: 'int64', shape: [a.value_ints.length], value: a.value_ints.length <= MAX_TRACKED_VALUES ? a.value_ints : undefined }];
  return [{}];
}

function padFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  if (!x.shape) return [{ type: x.type }];
  const rank = x.shape.length;
  const pads = c.opset < 11 ? c.attrs({ pads: attr.ints() }).pads : c.ints(1);
  const axes = c.opset >= 18 && c.present(3) ? c.ints(3) : x.shape.map((_, i) => i);
  if (!pads || !axes || pads.length !== 2 * axes.length) return [unknownDims(x.type, rank)];
  const shape = [...x.shape];
  axes.forEach((a, i) => {
    const axis = normalizeAxis(a, rank);
    const d = shape[axis];
    shape[axis] = typeof d === 'number' ? d + pads[i] + pads[i + axes.length] : null;
  });
  return [{ type: x.type, shape }];
}

const times = (d: Dim, f: number): Dim => (typeof d === 'number' ? d * f : null);
const over = (d: Dim, f: number): Dim => (typeof d === 'number' && d % f === 0 ? d / f : null);

/** DepthToSpace and SpaceToDepth: channels and spatial dims trade a factor of blocksize². */
function blockFacts(toSpace: boolean): ShapeFunction {
  return (c) => {
    const x = c.input(0);
    if (x.shape?.length !== 4) return [{ type: x.type }];
    const b = c.attrs({ blocksize: attr.int.required() }).blocksize;
    const [n, ch, h, w] = x.shape;
    const shape = toSpace ? [n, over(ch, b * b), times(h, b), times(w, b)] : [n, times(ch, b * b), over(h, b), over(w, b)];
    return [{ type: x.type, shape }];
  };
}

function topKFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  if (!x.shape) return [{ type: x.type }, { type: 'int64' }];
  const axis = normalizeAxis(c.attrs({ axis: attr.int(-1) }).axis, x.shape.length);
  const k = c.opset < 10 ? c.attrs({ k: attr.int.required() }).k : c.ints(1)?.[0] ?? null;
  const shape = x.shape.map((d, i) => (i === axis ? k : d));
  return [{ type: x.type, shape }, { type: 'int64', shape }];
}

/** GatherND: indices [..., k] pick slices of rank r - batch_dims - k from data [batch..., r dims]. */
function gatherNDFacts(c: ShapeContext): ValueFacts[] {
  const data = c.input(0);
  const indices = c.input(1).shape;
  const depth = indices?.[indices.length - 1];
  if (!data.shape || !indices || typeof depth !== 'number') return [{ type: data.type }];
  const batch = c.attrs({ batch_dims: attr.int(0) }).batch_dims;
  return [{ type: data.type, shape: [...indices.slice(0, -1), ...data.shape.slice(batch + depth)] }];
}

/** OneHot: the depth axis inserted into the indices' shape; elements typed as `values`. */
function oneHotFacts(c: ShapeContext): ValueFacts[] {
  const indices = c.input(0).shape;
  const type = c.input(2).type;
  if (!indices) return [{ type }];
  const depth = c.ints(1)?.[0] ?? null;
  const axis = normalizeAxis(c.attrs({ axis: attr.int(-1) }).axis, indices.length + 1);
  return [{ type, shape: [...indices.slice(0, axis), depth, ...indices.slice(axis)] }];
}

/** Unique: Y, indices and counts as long as the distinct count; inverse_indices one per input slice. */
function uniqueFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  const { axis } = c.attrs({ axis: attr.int() });
  const distinct: ValueFacts = { type: 'int64', shape: [null] };
  if (axis === undefined) return [{ type: x.type, shape: [null] }, distinct, { type: 'int64', shape: [staticSize(x.shape) ?? null] }, distinct];
  if (!x.shape) return [{ type: x.type }, distinct, { type: 'int64', shape: [null] }, distinct];
  const a = normalizeAxis(axis, x.shape.length);
  return [{ type: x.type, shape: x.shape.map((d, i) => (i === a ? null : d)) }, distinct, { type: 'int64', shape: [x.shape[a]] }, distinct];
}

/** Range: max(ceil((limit - start) / delta), 0) entries when the bounds are tracked integers, which it also tracks. */
function rangeFacts(c: ShapeContext): ValueFacts[] {
  const type = c.input(0).type;
  const [start, limit, delta] = [0, 1, 2].map((i) => c.ints(i)?.[0]);
  if (start === undefined || limit === undefined || !delta) return [{ type, shape: [null] }];
  const count = Math.max(Math.ceil((limit - start) / delta), 0);
  const facts: ValueFacts = { type, shape: [count] };
  if (count <= MAX_TRACKED_VALUES) facts.value = Array.from({ length: count }, (_, k) => start + k * delta);
  return [facts];
}

export const tensorShapes: Record<string, ShapeFunction> = {
  ...each(['CumSum', 'CumProd', 'Trilu', 'ScatterElements', 'ScatterND', 'Scatter', 'ReverseSequence', 'TensorScatter'], same),
  GatherND: gatherNDFacts,
  OneHot: oneHotFacts,
  CenterCropPad: (c) => {
    const x = c.input(0);
    const target = c.ints(1);
    if (!x.shape || !target) return [unknownDims(x.type, x.shape?.length)];
    const axes = c.attrs({ axes: attr.ints() }).axes ?? x.shape.map((_, i) => i);
    const shape = [...x.shape];
    axes.forEach((a, i) => { shape[normalizeAxis(a, shape.length)] = target[i] ?? null; });
    return [{ type: x.type, shape }];
  },
  Det: (c) => [{ type: c.input(0).type, shape: c.input(0).shape?.slice(0, -2) }],
  Shape: (c) => {
    const x = c.input(0).shape;
    if (!x) return [{ type: 'int64', shape: [null] }];
    const { start, end } = c.opset >= 15 ? c.attrs({ start: attr.int(0), end: attr.int() }) : { start: 0, end: undefined };
    const r = x.length;
    const clampAxis = (a: number): number => Math.min(Math.max(a < 0 ? a + r : a, 0), r);
    const from = clampAxis(start);
    const stop = end === undefined ? r : clampAxis(end);
    const value = x.slice(from, Math.max(from, stop));
    return [{ type: 'int64', shape: [value.length], value }];
  },
  Size: (c) => {
    const n = staticSize(c.input(0).shape);
    return [{ type: 'int64', shape: [], value: [n ?? null] }];
  },
  Gather: gatherFacts,
  GatherElements: (c) => [{ type: c.input(0).type, shape: c.input(1).shape }],
  Concat: concatFacts,
  Unsqueeze: unsqueezeFacts,
  Squeeze: squeezeFacts,
  Reshape: reshapeFacts,
  Slice: sliceFacts,
  Split: splitFacts,
  Flatten: (c) => {
    const x = c.input(0);
    if (!x.shape) return [unknownDims(x.type, 2)];
    // Flatten's axis lies in [-r, r]: a negative one counts from the rank r, not r + 1.
    const raw = c.attrs({ axis: attr.int(1) }).axis;
    const axis = raw < 0 ? raw + x.shape.length : raw;
    if (axis < 0 || axis > x.shape.length) return [{ type: x.type }];
    return [{ type: x.type, shape: [product(x.shape.slice(0, axis)), product(x.shape.slice(axis))] }];
  },
  Transpose: (c) => {
    const x = c.input(0);
    if (!x.shape) return [{ type: x.type }];
    const perm = c.attrs({ perm: attr.ints() }).perm ?? x.shape.map((_, i) => x.shape!.length - 1 - i);
    if (perm.length !== x.shape.length) return [{ type: x.type }];
    return [{ type: x.type, shape: perm.map((p) => x.shape![p] ?? null) }];
  },
  Expand: (c) => {
    const target = c.input(1).value;
    const x = c.input(0);
    return [{ type: x.type, shape: target ? broadcastDims([x.shape, target]) : undefined }];
  },
  Tile: (c) => {
    const x = c.input(0);
    const repeats = c.ints(1);
    if (!x.shape || !repeats) return [unknownDims(x.type, x.shape?.length)];
    return [{ type: x.type, shape: x.shape.map((d, i) => (typeof d === 'number' ? d * repeats[i] : repeats[i] === 1 ? d : null)) }];
  },
  Pad: padFacts,
  DepthToSpace: blockFacts(true),
  SpaceToDepth: blockFacts(false),
  TopK: topKFacts,
  Unique: uniqueFacts,
  // As many entries as the condition has true values: unknown along the axis, or in all when flattened.
  Compress: (c) => {
    const x = c.input(0);
    const { axis } = c.attrs({ axis: attr.int() });
    if (axis === undefined) return [{ type: x.type, shape: [null] }];
    if (!x.shape) return [{ type: x.type }];
    const a = normalizeAxis(axis, x.shape.length);
    return [{ type: x.type, shape: x.shape.map((d, i) => (i === a ? null : d)) }];
  },
  NonZero: (c) => [{ type: 'int64', shape: [c.input(0).shape?.length ?? null, null] }],
  Range: rangeFacts,
  // Pixels [H, W, channels]: the image size is in the encoded bytes.
  ImageDecoder: (c) => {
    const { pixel_format: format } = c.attrs({ pixel_format: attr.string('RGB') });
    return [{ type: 'uint8', shape: [null, null, format === 'Grayscale' ? 1 : 3] }];
  },
  ConstantOfShape: (c) => {
    const { value } = c.attrs({ value: attr.tensor() });
    return [{ type: value?.type ?? 'float32', shape: c.input(0).value }];
  },
  Constant: constantFacts,
  EyeLike: (c) => {
    const { dtype } = c.attrs({ dtype: attr.int() });
    return [{ type: dtype === undefined ? c.input(0).type : dtypeFromCode(dtype), shape: c.input(0).shape }];
  },
};
