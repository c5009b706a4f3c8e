/**
 * Binary and variadic elementwise ops with multidirectional broadcasting: arithmetic, comparisons, logic, Where,
 * PRelu, and Max/Min/Sum/Mean over any number of inputs. The opset 1-6 forms broadcast through attributes; those
 * nodes run on the GPU only when no broadcasting is asked for, otherwise on cpu-ref.
 */
import {
  attr, broadcastShapes, isTensor, sameShape, type DType, type KernelInputs, type KernelSpec, type Tensor,
} from '@onnx-ts/core';
import type { GpuContext } from '../../context.js';
import { gpuKernel } from '../../define.js';
import type { ScalarType } from '../../program.js';
import { elementwise } from './engine.js';
import { GPU_FLOATS, GPU_NUMERIC, GPU_SIGNED, GPU_UNSIGNED } from './unary.js';

type Combine = (values: readonly string[], types: readonly ScalarType[]) => string;

const LEGACY_ATTRS = { broadcast: attr.int(0), axis: attr.int() };

function tensors(inputs: KernelInputs, count: number): Tensor[] | undefined {
  const out = inputs.slice(0, count);
  return out.length === count && out.every(isTensor) ? (out as Tensor[]) : undefined;
}

function compute(gpu: GpuContext, op: string, inputs: Tensor[], outType: DType, combine: Combine): Promise<Tensor> {
  return elementwise(gpu, { label: op, inputs, outType, expr: combine });
}

/**
 * One spec per cpu-ref version: the legacy one (attributes broadcast/axis, GPU only for equal shapes) when
 * `legacyUntil` is set, and the modern one. `sameTypes` asks every input to share input 0's type.
 */
function binary(op: string, combine: Combine, o: { since: number; legacyUntil?: number; dtypes: readonly DType[]; bool?: boolean; sameTypes?: boolean }): KernelSpec<any>[] {
  const outType = (x: Tensor): DType => (o.bool ? 'bool' : x.type);
  // Mixed types (Pow's exponent) must still be 32-bit storable; a 64-bit exponent runs on cpu-ref.
  const typesOk = (ts: Tensor[]): boolean => (o.sameTypes === false ? ts.every((t) => GPU_NUMERIC.includes(t.type)) : ts.every((t) => t.type === ts[0].type));
  const modern = gpuKernel({
    op, since: o.legacyUntil === undefined ? o.since : o.legacyUntil + 1, dtypes: o.dtypes,
    supports: (inputs) => {
      const ts = tensors(inputs, 2);
      return ts !== undefined && typesOk(ts) && broadcastable(ts);
    },
    run: async (inputs, _a, { gpu }) => {
      const ts = inputs as Tensor[];
      return [await compute(gpu, op, ts, outType(ts[0]), combine)];
    },
  });
  if (o.legacyUntil === undefined) return [modern];
  const legacy = gpuKernel({
    op, since: o.since, until: o.legacyUntil, dtypes: o.dtypes, attrs: LEGACY_ATTRS,
    supports: (inputs) => {
      const ts = tensors(inputs, 2);
      return ts !== undefined && typesOk(ts) && sameShape(ts[0].dims, ts[1].dims);
    },
    run: async (inputs, _a, { gpu }) => {
      const ts = inputs as Tensor[];
      return [await compute(gpu, op, ts, outType(ts[0]), combine)];
    },
  });
  return [legacy, modern];
}

function broadcastable(ts: readonly Tensor[]): boolean {
  const rank = Math.max(...ts.map((t) => t.dims.length));
  for (let d = 1; d <= rank; d++) {
    let size = 1;
    for (const t of ts) {
      const n = t.dims[t.dims.length - d] ?? 1;
      if (n !== 1) {
        if (size !== 1 && size !== n) return false;
        size = n;
      }
    }
  }
  return true;
}

/** Max/Min/Sum/Mean: all inputs in one kernel (as many as the device binds), same shapes before opset 8. */
function variadic(op: string, fold: (a: string, b: string, t: ScalarType) => string, dtypes: readonly DType[], finish?: (v: string, count: number) => string): KernelSpec<any>[] {
  const make = (since: number, until: number | undefined, needSameShape: boolean) => gpuKernel({
    op, since, until, dtypes,
    supports: (inputs, _a, { gpu }) => {
      const ts = tensors(inputs, inputs.length);
      if (!ts || ts.length === 0 || ts.length + 1 > gpu.limits.storageBuffersPerStage) return false;
      if (!ts.every((t) => t.type === ts[0].type)) return false;
      return needSameShape ? ts.every((t) => sameShape(t.dims, ts[0].dims)) : broadcastable(ts);
    },
    run: async (inputs, _a, { gpu }) => {
      const ts = inputs as Tensor[];
      const combine: Combine = (vs, types) => {
        const folded = vs.slice(1).reduce((acc, v) => fold(acc, v, types[0]), vs[0]);
        return finish ? finish(folded, vs.length) : folded;
      };
      return [await compute(gpu, op, ts, ts[0].type, combine)];
    },
  });
  return [make(1, 7, true), make(8, undefined, false)];
}

const isFloat = (t: ScalarType): boolean => t === 'f32';

/** C's fmod for floats (the remainder has the dividend's sign). */
const fmodExpr = (a: string, b: string): string => `(${a} - ${b} * trunc(${a} / ${b}))`;

function modKernel(): KernelSpec<any> {
  return gpuKernel({
    op: 'Mod', since: 10, dtypes: GPU_FLOATS, attrs: { fmod: attr.int(0) },
    supports: (inputs, a) => {
      const ts = tensors(inputs, 2);
      return a.fmod === 1 && ts !== undefined && ts[0].type === ts[1].type && broadcastable(ts);
    },
    run: async (inputs, _a, { gpu }) => {
      const ts = inputs as Tensor[];
      return [await compute(gpu, 'Mod', ts, ts[0].type, ([a, b]) => fmodExpr(a, b))];
    },
  });
}

function whereKernel(): KernelSpec<any> {
  return gpuKernel({
    op: 'Where', since: 9, dtypeInput: 1, dtypes: [...GPU_NUMERIC, 'bool'],
    supports: (inputs) => {
      const ts = tensors(inputs, 3);
      return ts !== undefined && ts[0].type === 'bool' && ts[1].type === ts[2].type && broadcastable(ts);
    },
    run: async (inputs, _a, { gpu }) => {
      const ts = inputs as Tensor[];
      const combine: Combine = ([c, x, y]) => (ts[1].type === 'bool' ? `select(${y}, ${x}, ${c} != 0u) != 0u` : `select(${y}, ${x}, ${c} != 0u)`);
      return [await compute(gpu, 'Where', ts, ts[1].type, combine)];
    },
  });
}

/** PRelu: the slope broadcasts to X's shape (one way); before opset 7 only equal shapes run here. */
function preluKernels(): KernelSpec<any>[] {
  const make = (since: number, until: number | undefined) => gpuKernel({
    op: 'PRelu', since, until, dtypes: GPU_FLOATS,
    supports: (inputs) => {
      const ts = tensors(inputs, 2);
      if (!ts || ts[0].type !== ts[1].type) return false;
      if (until !== undefined) return sameShape(ts[0].dims, ts[1].dims);
      return broadcastable(ts) && sameShape(broadcastShapes(ts[0].dims, ts[1].dims), ts[0].dims);
    },
    run: async (inputs, _a, { gpu }) => {
      const ts = inputs as Tensor[];
      return [await compute(gpu, 'PRelu', ts, ts[0].type, ([x, s]) => `select(${x}, ${s} * ${x}, ${x} < 0.0)`)];
    },
  });
  return [make(1, 6), make(7, undefined)];
}

const INTS = [...GPU_SIGNED, ...GPU_UNSIGNED];
const bools = (a: string, b: string, op: string): string => `(${a} != 0u) ${op} (${b} != 0u)`;

export const binaryKernels: KernelSpec<any>[] = [
  ...binary('Add', ([a, b]) => `${a} + ${b}`, { since: 1, legacyUntil: 6, dtypes: GPU_NUMERIC }),
  ...binary('Sub', ([a, b]) => `${a} - ${b}`, { since: 1, legacyUntil: 6, dtypes: GPU_NUMERIC }),
  ...binary('Mul', ([a, b]) => `${a} * ${b}`, { since: 1, legacyUntil: 6, dtypes: GPU_NUMERIC }),
  // Integer division by zero must raise cpu-ref's Error, so only float division runs here.
  ...binary('Div', ([a, b]) => `${a} / ${b}`, { since: 1, legacyUntil: 6, dtypes: GPU_FLOATS }),
  ...binary('Pow', ([a, b], [, tb]) => `pow_c(${a}, ${isFloat(tb) ? b : `f32(${b})`})`, { since: 1, legacyUntil: 6, dtypes: GPU_FLOATS, sameTypes: false }),
  ...preluKernels(),
  ...binary('Equal', ([a, b]) => `${a} == ${b}`, { since: 1, legacyUntil: 6, dtypes: [...GPU_NUMERIC, 'bool'], bool: true }),
  ...binary('Less', ([a, b]) => `${a} < ${b}`, { since: 1, legacyUntil: 6, dtypes: GPU_NUMERIC, bool: true }),
  ...binary('Greater', ([a, b]) => `${a} > ${b}`, { since: 1, legacyUntil: 6, dtypes: GPU_NUMERIC, bool: true }),
  ...binary('LessOrEqual', ([a, b]) => `${a} <= ${b}`, { since: 12, dtypes: GPU_NUMERIC, bool: true }),
  ...binary('GreaterOrEqual', ([a, b]) => `${a} >= ${b}`, { since: 12, dtypes: GPU_NUMERIC, bool: true }),
  ...binary('And', ([a, b]) => bools(a, b, '&&'), { since: 1, legacyUntil: 6, dtypes: ['bool'], bool: true }),
  ...binary('Or', ([a, b]) => bools(a, b, '||'), { since: 1, legacyUntil: 6, dtypes: ['bool'], bool: true }),
  ...binary('Xor', ([a, b]) => bools(a, b, '!='), { since: 1, legacyUntil: 6, dtypes: ['bool'], bool: true }),
  ...binary('BitwiseAnd', ([a, b]) => `${a} & ${b}`, { since: 18, dtypes: INTS }),
  ...binary('BitwiseOr', ([a, b]) => `${a} | ${b}`, { since: 18, dtypes: INTS }),
  ...binary('BitwiseXor', ([a, b]) => `${a} ^ ${b}`, { since: 18, dtypes: INTS }),
  modKernel(),
  whereKernel(),
  ...variadic('Max', (a, b, t) => (isFloat(t) ? `nan_max(${a}, ${b})` : `max(${a}, ${b})`), GPU_NUMERIC),
  ...variadic('Min', (a, b, t) => (isFloat(t) ? `nan_min(${a}, ${b})` : `min(${a}, ${b})`), GPU_NUMERIC),
  ...variadic('Sum', (a, b) => `${a} + ${b}`, GPU_FLOATS),
  ...variadic('Mean', (a, b) => `${a} + ${b}`, GPU_FLOATS, (v, n) => `(${v}) / ${n}.0`),
];
