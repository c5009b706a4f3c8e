/**
 * Shape and type inference over a graph: element types, shapes with symbolic dims, and the contents of small
 * integer tensors (shape vectors), which is what lets shape computations fold on static dims. A fact is either right
 * or absent: an op without a shape function, or one whose result depends on data, leaves its outputs unknown.
 */
import {
  attr, dtypeFromCode, normalizeAxis, readAttributes, topologicalOrder, type AttrSchema, type AttrValues, type DType,
  type Dim, type Graph, type Node, type Tensor, type TypeInfo,
} from '@onnx-ts/core';

export interface ValueFacts {
  type?: DType;
  /** Dims (numbers, symbols, or null where unknown); undefined when even the rank is unknown. */
  shape?: Dim[];
  /** Contents of a small integer tensor of rank 0 or 1, entry by entry (numbers, symbols, or null). */
  value?: Dim[];
}

export type FactMap = Map<string, ValueFacts>;

/** Integer tensors up to this many elements have their contents tracked. */
const MAX_TRACKED_VALUES = 64;

/** Facts of a constant tensor. */
export function tensorFacts(t: Tensor): ValueFacts {
  const facts: ValueFacts = { type: t.type, shape: [...t.dims] };
  if ((t.type === 'int64' || t.type === 'int32') && t.dims.length <= 1 && t.size <= MAX_TRACKED_VALUES) {
    facts.value = Array.from(t.data as ArrayLike<number | bigint>, Number);
  }
  return facts;
}

export function typeFacts(t: TypeInfo | undefined): ValueFacts {
  if (t?.kind !== 'tensor') return {};
  return { type: t.elemType, shape: t.shape ? [...t.shape] : undefined };
}

export function isStatic(dims: readonly Dim[] | undefined): dims is number[] {
  return dims !== undefined && dims.every((d) => typeof d === 'number');
}

/** The element count when every dim is known. */
export function staticSize(dims: readonly Dim[] | undefined): number | undefined {
  return isStatic(dims) ? dims.reduce((a, b) => a * b, 1) : undefined;
}

/** Broadcast of one dim pair: undefined when they certainly conflict. */
function broadcastDim(a: Dim, b: Dim): Dim | undefined {
  if (a === b) return a;
  if (a === 1) return b;
  if (b === 1) return a;
  if (typeof a === 'number' && typeof b === 'number') return undefined;
  if (typeof a === 'number' && a !== 1) return a;
  if (typeof b === 'number' && b !== 1) return b;
  return null;
}

/** Multidirectional broadcast of known-rank shapes; undefined when a rank is unknown or dims conflict. */
export function broadcastDims(shapes: readonly (Dim[] | undefined)[]): Dim[] | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const rank = Math.max(0, ...shapes.map((s) => s!.length));
  const out: Dim[] = new Array(rank).fill(1);
  for (const s of shapes as Dim[][]) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = broadcastDim(out[o], s[i]);
      if (d === undefined) return undefined;
      out[o] = d;
    }
  }
  return out;
}

/** What a shape function sees of a node. */
export interface ShapeContext {
  node: Node;
  opset: number;
  /** Facts of input i ({} when absent or unknown). */
  input(i: number): ValueFacts;
  present(i: number): boolean;
  /** The fully known integer contents of input i. */
  ints(i: number): number[] | undefined;
  attrs<S extends AttrSchema>(schema: S): AttrValues<S>;
}

type ShapeFn = (c: ShapeContext) => (ValueFacts | undefined)[];

const same = (c: ShapeContext): ValueFacts[] => [{ type: c.input(0).type, shape: c.input(0).shape }];

const SAME_AS_FIRST = [
  'Relu', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Softplus', 'Softsign',
  'Gelu', 'Mish', 'ThresholdedRelu', 'Abs', 'Neg', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'Floor', 'Ceil', 'Round',
  'Sign', 'Erf', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'Softmax',
  'LogSoftmax', 'Hardmax', 'LRN', 'InstanceNormalization', 'MeanVarianceNormalization', 'LpNormalization', 'Clip',
  'Shrink', 'CumSum', 'Swish', 'PRelu', 'BitwiseNot', 'Trilu', 'GroupNormalization',
];
const BROADCAST_SAME = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'Max', 'Min', 'Sum', 'Mean', 'BitShift', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor'];
const BROADCAST_BOOL = ['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor'];

/** Arithmetic on tracked shape values, entry by entry (a scalar or one-entry side repeats). */
function valueArithmetic(op: string, a: Dim[] | undefined, b: Dim[] | undefined): Dim[] | undefined {
  if (!a || !b) return undefined;
  const n = Math.max(a.length, b.length);
  if ((a.length !== n && a.length !== 1) || (b.length !== n && b.length !== 1)) return undefined;
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length === 1 ? 0 : i];
    const y = b[b.length === 1 ? 0 : i];
    if (typeof x !== 'number' || typeof y !== 'number') {
      out.push(op === 'Mul' && (x === 1 || y === 1) ? (x === 1 ? y : x) : null);
      continue;
    }
    switch (op) {
      case 'Add': out.push(x + y); break;
      case 'Sub': out.push(x - y); break;
      case 'Mul': out.push(x * y); break;
      case 'Div': out.push(y === 0 ? null : Math.trunc(x / y)); break;
      default: return undefined;
    }
  }
  return out;
}

function broadcastOp(type: (c: ShapeContext) => DType | undefined): ShapeFn {
  return (c) => {
    const shapes = c.node.inputs.map((_, i) => c.input(i).shape);
    const out: ValueFacts = { type: type(c), shape: broadcastDims(shapes) };
    if (c.node.inputs.length === 2 && ['Add', 'Sub', 'Mul', 'Div'].includes(c.node.opType)) {
      const value = valueArithmetic(c.node.opType, c.input(0).value, c.input(1).value);
      if (value && out.shape && out.shape.length <= 1) out.value = value;
    }
    return [out];
  };
}

/** Axes from the attribute (before `inputFrom`) or from input `inputIndex`; undefined when not known. */
function axesOf(c: ShapeContext, inputFrom: number, inputIndex = 1): number[] | null | undefined {
  if (c.opset < inputFrom) return c.attrs({ axes: attr.ints() }).axes ?? null;
  if (!c.present(inputIndex)) return null;
  return c.ints(inputIndex);
}

/** Output dims of a sliding window (Conv, pools) over known spatial dims; null dims where unknown. */
function windowDims(
  spatial: Dim[], kernel: number[], a: { auto_pad: string; pads?: number[]; strides?: number[]; dilations?: number[] }, ceil: boolean,
): Dim[] {
  const n = kernel.length;
  return spatial.map((d, i) => {
    if (typeof d !== 'number') return null;
    const s = a.strides?.[i] ?? 1;
    const k = ((kernel[i] - 1) * (a.dilations?.[i] ?? 1)) + 1;
    if (a.auto_pad === 'SAME_UPPER' || a.auto_pad === 'SAME_LOWER') return Math.ceil(d / s);
    const pads = a.auto_pad === 'VALID' ? 0 : (a.pads?.[i] ?? 0) + (a.pads?.[i + n] ?? 0);
    if (ceil) return null;
    const out = Math.floor((d + pads - k) / s) + 1;
    return out >= 0 ? out : null;
  });
}

const windowAttrs = {
  auto_pad: attr.string('NOTSET'), pads: attr.ints(), strides: attr.ints(), dilations: attr.ints(),
  kernel_shape: attr.ints(), ceil_mode: attr.int(0), group: attr.int(1),
};

function convFacts(c: ShapeContext, type: DType | undefined): ValueFacts[] {
  const x = c.input(0).shape;
  const w = c.input(1).shape;
  if (!x || x.length < 3) return [{ type }];
  const a = c.attrs(windowAttrs);
  const kernel = a.kernel_shape ?? (isStatic(w?.slice(2)) ? (w!.slice(2) as number[]) : undefined);
  const m = w?.[0] ?? null;
  if (!kernel) return [{ type, shape: [x[0], m, ...x.slice(2).map(() => null)] }];
  return [{ type, shape: [x[0], m, ...windowDims(x.slice(2), kernel, a, false)] }];
}

function poolFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  if (!x.shape || x.shape.length < 3) return [{ type: x.type }, { type: 'int64' }];
  const a = c.attrs(windowAttrs);
  const spatial = a.kernel_shape ? windowDims(x.shape.slice(2), a.kernel_shape, a, a.ceil_mode !== 0) : x.shape.slice(2).map(() => null);
  const shape = [x.shape[0], x.shape[1], ...spatial];
  return [{ type: x.type, shape }, { type: 'int64', shape }];
}

function matmulShape(a: Dim[] | undefined, b: Dim[] | undefined): Dim[] | undefined {
  if (!a || !b || a.length === 0 || b.length === 0) return undefined;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcastDims([a2.slice(0, -2), b2.slice(0, -2)]);
  if (!batch) return undefined;
  const out = [...batch, a2[a2.length - 2], b2[b2.length - 1]];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.pop();
  return out;
}

function gemmFacts(c: ShapeContext, type: DType | undefined): ValueFacts[] {
  const a = c.input(0).shape;
  const b = c.input(1).shape;
  const { transA, transB } = c.attrs({ transA: attr.int(0), transB: attr.int(0) });
  const m = a?.length === 2 ? a[transA ? 1 : 0] : null;
  const n = b?.length === 2 ? b[transB ? 0 : 1] : null;
  return [{ type, shape: [m, n] }];
}

function reshapeFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  const target = c.opset < 5 ? c.attrs({ shape: attr.ints() }).shape : c.input(1).value;
  if (!target) {
    const rank = c.input(1).shape?.[0];
    return [{ type: x.type, shape: typeof rank === 'number' ? new Array(rank).fill(null) : undefined }];
  }
  const allowZero = c.opset >= 14 && c.attrs({ allowzero: attr.int(0) }).allowzero === 1;
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? x.shape?.[i] ?? null : d === -1 ? null : d));
  const unknownAt = target.indexOf(-1);
  if (unknownAt >= 0) {
    const total = staticSize(x.shape);
    const rest = out.filter((_, i) => i !== unknownAt);
    if (total !== undefined && isStatic(rest)) {
      const known = rest.reduce((p, q) => p * q, 1);
      out[unknownAt] = known > 0 && total % known === 0 ? total / known : null;
    }
  }
  const facts: ValueFacts = { type: x.type, shape: out.map((d) => (typeof d === 'number' && d < 0 ? null : d)) };
  if (x.value && out.length <= 1) facts.value = x.value;
  return [facts];
}

function sliceFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  if (!x.shape) return [{ type: x.type }];
  let starts: number[] | undefined, ends: number[] | undefined, axes: number[] | undefined, steps: number[] | undefined;
  if (c.opset < 10) {
    const a = c.attrs({ starts: attr.ints(), ends: attr.ints(), axes: attr.ints() });
    ({ starts, ends, axes } = a);
  } else {
    starts = c.ints(1);
    ends = c.ints(2);
    axes = c.present(3) ? c.ints(3) : undefined;
    steps = c.present(4) ? c.ints(4) : undefined;
    if ((c.present(3) && !axes) || (c.present(4) && !steps)) return [{ type: x.type, shape: x.shape.map(() => null) }];
  }
  if (!starts || !ends) return [{ type: x.type, shape: x.shape.map(() => null) }];
  const rank = x.shape.length;
  const shape = [...x.shape];
  const ranges: [number, number, number][] = [];
  const axisList = axes ?? starts.map((_, i) => i);
  for (let i = 0; i < axisList.length; i++) {
    const axis = normalizeAxis(axisList[i], rank);
    const dim = x.shape[axis];
    const step = steps?.[i] ?? 1;
    if (typeof dim !== 'number' || step === 0) {
      shape[axis] = null;
      continue;
    }
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
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
  if (!first || inputs.some((f) => !f.shape || f.shape.length !== first.length)) return [{ type, shape: first?.map(() => null) }];
  const axis = normalizeAxis(c.attrs({ axis: attr.int(0) }).axis, first.length);
  const shape = first.map((d, i) => {
    if (i === axis) {
      const dims = inputs.map((f) => f.shape![i]);
      return isStatic(dims) ? dims.reduce((a, b) => a + b, 0) : null;
    }
    return inputs.map((f) => f.shape![i]).find((x) => typeof x === 'number') ?? d;
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
    if (!x.shape.every((d) => typeof d === 'number')) return [{ type: x.type }];
    drop = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  } else {
    drop = axes.map((a) => normalizeAxis(a, x.shape!.length));
  }
  const shape = x.shape.filter((_, i) => !drop.includes(i));
  const facts: ValueFacts = { type: x.type, shape };
  if (x.value && shape.length <= 1) facts.value = x.value;
  return [facts];
}

function reduceFacts(inputFrom: number): ShapeFn {
  return (c) => {
    const x = c.input(0);
    const { keepdims, noop_with_empty_axes: noop } = c.attrs({ keepdims: attr.int(1), noop_with_empty_axes: attr.int(0) });
    const axes = axesOf(c, inputFrom);
    if (!x.shape || axes === undefined) return [{ type: x.type }];
    if (axes === null || axes.length === 0) {
      if (noop && c.opset >= inputFrom) return [{ type: x.type, shape: x.shape }];
      return [{ type: x.type, shape: keepdims ? x.shape.map(() => 1) : [] }];
    }
    const norm = axes.map((a) => normalizeAxis(a, x.shape!.length));
    const shape = keepdims ? x.shape.map((d, i) => (norm.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !norm.includes(i));
    return [{ type: x.type, shape }];
  };
}

function quantizedType(c: ShapeContext, zeroPointInput: number): DType | undefined {
  if (c.present(zeroPointInput)) return c.input(zeroPointInput).type;
  if (c.opset >= 21) {
    const code = c.attrs({ output_dtype: attr.int(0) }).output_dtype;
    if (code) return dtypeFromCode(code);
  }
  return 'uint8';
}

const SHAPE_FUNCTIONS: Record<string, ShapeFn> = {
  Identity: same,
  Dropout: (c) => [same(c)[0], { type: c.opset >= 10 ? 'bool' : c.input(0).type, shape: c.input(0).shape }],
  BatchNormalization: (c) => [same(c)[0]],
  LayerNormalization: (c) => [same(c)[0]],
  RMSNormalization: (c) => [same(c)[0]],
  Not: (c) => [{ type: 'bool', shape: c.input(0).shape }],
  IsNaN: (c) => [{ type: 'bool', shape: c.input(0).shape }],
  IsInf: (c) => [{ type: 'bool', shape: c.input(0).shape }],
  Where: (c) => [{ type: c.input(1).type ?? c.input(2).type, shape: broadcastDims([0, 1, 2].map((i) => c.input(i).shape)) }],
  Cast: (c) => {
    const type = dtypeFromCode(c.attrs({ to: attr.int.required() }).to);
    const x = c.input(0);
    const integral = type === 'int64' || type === 'int32';
    return [{ type, shape: x.shape, value: integral && (x.type === 'int64' || x.type === 'int32') ? x.value : undefined }];
  },
  CastLike: (c) => [{ type: c.input(1).type, shape: c.input(0).shape }],
  Shape: (c) => {
    const x = c.input(0).shape;
    if (!x) return [{ type: 'int64' }];
    let { start, end } = c.opset >= 15 ? c.attrs({ start: attr.int(0), end: attr.int() }) : { start: 0, end: undefined };
    const r = x.length;
    const clampAxis = (a: number): number => Math.min(Math.max(a < 0 ? a + r : a, 0), r);
    start = clampAxis(start);
    const stop = end === undefined ? r : clampAxis(end);
    const value = x.slice(start, Math.max(start, stop));
    return [{ type: 'int64', shape: [value.length], value }];
  },
  Size: (c) => {
    const n = staticSize(c.input(0).shape);
    return [{ type: 'int64', shape: [], value: n === undefined ? [null] : [n] }];
  },
  Gather: gatherFacts,
  Concat: concatFacts,
  Unsqueeze: unsqueezeFacts,
  Squeeze: squeezeFacts,
  Reshape: reshapeFacts,
  Slice: sliceFacts,
  Flatten: (c) => {
    const x = c.input(0);
    if (!x.shape) return [{ type: x.type }];
    // Flatten's axis lies in [-r, r]: a negative one counts from the rank r, not r + 1.
    const raw = c.attrs({ axis: attr.int(1) }).axis;
    const axis = raw < 0 ? raw + x.shape.length : raw;
    if (axis < 0 || axis > x.shape.length) return [{ type: x.type }];
    const prod = (dims: Dim[]): Dim => (isStatic(dims) ? dims.reduce((a, b) => a * b, 1) : null);
    return [{ type: x.type, shape: [prod(x.shape.slice(0, axis)), prod(x.shape.slice(axis))] }];
  },
  Transpose: (c) => {
    const x = c.input(0);
    if (!x.shape) return [{ type: x.type }];
    const perm = c.attrs({ perm: attr.ints() }).perm ?? x.shape.map((_, i) => x.shape!.length - 1 - i);
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
    if (!x.shape || !repeats) return [{ type: x.type, shape: x.shape?.map(() => null) }];
    return [{ type: x.type, shape: x.shape.map((d, i) => (typeof d === 'number' ? d * repeats[i] : repeats[i] === 1 ? d : null)) }];
  },
  Range: (c) => [{ type: c.input(0).type, shape: [null] }],
  ConstantOfShape: (c) => {
    const { value } = c.attrs({ value: attr.tensor() });
    return [{ type: value?.type ?? 'float32', shape: c.input(0).value }];
  },
  Constant: (c) => {
    const a = c.attrs({ value: attr.tensor(), value_float: attr.float(), value_floats: attr.floats(), value_int: attr.int(), value_ints: attr.ints() });
    if (a.value) return [tensorFacts(a.value)];
    if (a.value_float !== undefined) return [{ type: 'float32', shape: [] }];
    if (a.value_floats) return [{ type: 'float32', shape: [a.value_floats.length] }];
    if (a.value_int !== undefined) return [{ type: 'int64', shape: [], value: [a.value_int] }];
    if (a.value_ints) return [{ type: 'int64', shape: [a.value_ints.length], value: a.value_ints.length <= MAX_TRACKED_VALUES ? a.value_ints : undefined }];
    return [{}];
  },
  Conv: (c) => convFacts(c, c.input(0).type),
  ConvInteger: (c) => convFacts(c, 'int32'),
  QLinearConv: (c) => {
    const w = c.input(3);
    const inner: ShapeContext = { ...c, input: (i) => (i === 1 ? w : c.input(i)) };
    return convFacts(inner, c.input(7).type);
  },
  MaxPool: poolFacts,
  AveragePool: poolFacts,
  LpPool: poolFacts,
  GlobalAveragePool: (c) => [{ type: c.input(0).type, shape: c.input(0).shape?.map((d, i) => (i < 2 ? d : 1)) }],
  GlobalMaxPool: (c) => [{ type: c.input(0).type, shape: c.input(0).shape?.map((d, i) => (i < 2 ? d : 1)) }],
  Gemm: (c) => gemmFacts(c, c.input(0).type),
  MatMul: (c) => [{ type: c.input(0).type, shape: matmulShape(c.input(0).shape, c.input(1).shape) }],
  MatMulInteger: (c) => [{ type: 'int32', shape: matmulShape(c.input(0).shape, c.input(1).shape) }],
  QLinearMatMul: (c) => [{ type: c.input(7).type, shape: matmulShape(c.input(0).shape, c.input(3).shape) }],
  QuantizeLinear: (c) => [{ type: quantizedType(c, 2), shape: c.input(0).shape }],
  DequantizeLinear: (c) => [{ type: c.opset >= 19 ? c.input(1).type : 'float32', shape: c.input(0).shape }],
  DynamicQuantizeLinear: (c) => [{ type: 'uint8', shape: c.input(0).shape }, { type: 'float32', shape: [] }, { type: 'uint8', shape: [] }],
  ReduceSum: reduceFacts(13),
  ArgMax: (c) => argFacts(c),
  ArgMin: (c) => argFacts(c),
  Split: (c) => {
    const x = c.input(0);
    const n = c.node.outputs.length;
    if (!x.shape) return c.node.outputs.map(() => ({ type: x.type }));
    const axis = normalizeAxis(c.attrs({ axis: attr.int(0) }).axis, x.shape.length);
    const sizes = c.opset < 13 ? c.attrs({ split: attr.ints() }).split : c.present(1) ? c.ints(1) : undefined;
    const dim = x.shape[axis];
    return c.node.outputs.map((_, k) => {
      let d: Dim = null;
      if (sizes) d = sizes[k] ?? null;
      else if (!(c.opset >= 13 && c.present(1)) && typeof dim === 'number' && dim % n === 0) d = dim / n;
      return { type: x.type, shape: x.shape!.map((v, i) => (i === axis ? d : v)) };
    });
  },
  FusedConv: (c) => convFacts(c, c.input(0).type),
  FusedGemm: (c) => gemmFacts(c, c.input(0).type),
  FusedMatMul: (c) => [{ type: c.input(0).type, shape: matmulShape(c.input(0).shape, c.input(1).shape) }],
};

function argFacts(c: ShapeContext): ValueFacts[] {
  const x = c.input(0).shape;
  if (!x) return [{ type: 'int64' }];
  const { axis, keepdims } = c.attrs({ axis: attr.int(0), keepdims: attr.int(1) });
  const a = normalizeAxis(axis, x.length);
  return [{ type: 'int64', shape: keepdims ? x.map((d, i) => (i === a ? 1 : d)) : x.filter((_, i) => i !== a) }];
}

for (const op of SAME_AS_FIRST) SHAPE_FUNCTIONS[op] = same;
for (const op of BROADCAST_SAME) SHAPE_FUNCTIONS[op] = broadcastOp((c) => c.input(0).type);
for (const op of BROADCAST_BOOL) SHAPE_FUNCTIONS[op] = broadcastOp(() => 'bool');
for (const op of ['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare']) {
  SHAPE_FUNCTIONS[op] = reduceFacts(18);
}

/** Ops of the default domain (and the fused ops of com.onnx-ts) whose outputs have shape functions. */
export function hasShapeFunction(node: Node): boolean {
  return (node.domain === 'ai.onnx' || node.domain === 'com.onnx-ts') && node.opType in SHAPE_FUNCTIONS;
}

/** Combines an inferred fact with a declared one: inferred dims win, declared ones fill the gaps. */
function mergeFacts(inferred: ValueFacts | undefined, declared: ValueFacts | undefined): ValueFacts {
  if (!declared) return inferred ?? {};
  if (!inferred) return declared;
  let shape = inferred.shape ?? declared.shape;
  if (inferred.shape && declared.shape && inferred.shape.length === declared.shape.length) {
    shape = inferred.shape.map((d, i) => (d === null ? declared.shape![i] : d));
  }
  return { type: inferred.type ?? declared.type, shape, value: inferred.value };
}

/**
 * Facts for every value of a graph: inputs and value_info as declared, initializers as stored, node outputs by the
 * shape functions. `outer` holds facts visible from enclosing graphs.
 */
export function inferFacts(graph: Graph, opsets: ReadonlyMap<string, number>, outer?: FactMap): FactMap {
  const facts: FactMap = new Map(outer);
  const declared = new Map<string, ValueFacts>();
  for (const v of [...graph.valueInfo, ...graph.outputs]) declared.set(v.name, typeFacts(v.type));
  for (const v of graph.inputs) facts.set(v.name, typeFacts(v.type));
  const inputNames = new Set(graph.inputs.map((v) => v.name));
  // An initializer that is also an input is only a default: its declared type holds, not its stored contents.
  for (const [name, t] of graph.initializers) if (!inputNames.has(name)) facts.set(name, tensorFacts(t));
  let order: Node[];
  try {
    const defined = new Set([...facts.keys(), ...graph.sparseInitializers.keys()]);
    order = topologicalOrder(graph, (n) => defined.has(n));
  } catch {
    order = graph.nodes;
  }
  for (const node of order) {
    const inferred = inferNode(node, opsets, facts);
    node.outputs.forEach((o, i) => {
      if (o) facts.set(o, mergeFacts(inferred[i], declared.get(o)));
    });
  }
  return facts;
}

function inferNode(node: Node, opsets: ReadonlyMap<string, number>, facts: FactMap): (ValueFacts | undefined)[] {
  const fn = hasShapeFunction(node) ? SHAPE_FUNCTIONS[node.opType] : undefined;
  if (!fn) return [];
  const input = (i: number): ValueFacts => facts.get(node.inputs[i] ?? '') ?? {};
  const ctx: ShapeContext = {
    node,
    opset: opsets.get(node.domain) ?? 1,
    input,
    present: (i) => !!node.inputs[i],
    ints: (i) => {
      const v = input(i).value;
      return v && v.every((d) => typeof d === 'number') ? (v as number[]) : undefined;
    },
    attrs: (schema) => readAttributes(node, schema),
  };
  try {
    return fn(ctx);
  } catch {
    // A node the shape function finds invalid (bad axis, missing attribute) fails at run time with its own error.
    return [];
  }
}
