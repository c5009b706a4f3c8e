/**
 * Cast, CastLike and Clip among the types kernels compute in. Casts follow the CPU's typed-array conversions: floats
 * truncate toward zero into integers (NaN and infinities give 0), narrow integers wrap, anything nonzero is true.
 * Casts to or from other types (int64, float64, strings, float8...) run on cpu-ref.
 */
import { attr, dtypeFromCode, isTensor, type DType, type KernelSpec, type Tensor } from '@onnx-ts/core';
import type { GpuContext } from '../../context.js';
import { gpuKernel, type GpuJob } from '../../define.js';
import type { ScalarType } from '../../program.js';
import { tensorAt } from '../args.js';
import { elementwise, f32Literal } from './engine.js';
import { GPU_NUMERIC } from './unary.js';

const CASTABLE: readonly DType[] = [...GPU_NUMERIC, 'bool'];
const FLOAT_OUT: readonly DType[] = ['float32', 'float16'];
const SIGNED_OUT: readonly DType[] = ['int32', 'int16', 'int8'];

/** WGSL converting `v` (computed as `t`) to the compute value of `to` (bool as a WGSL bool). */
function convert(v: string, t: ScalarType, to: DType): string {
  const zero = t === 'f32' ? '0.0' : t === 'u32' ? '0u' : '0';
  // NaN is true; by bits, as a compiler may fold NaN comparisons away.
  if (to === 'bool') return t === 'f32' ? `(${v} != 0.0 || is_nan(${v}))` : `${v} != ${zero}`;
  if (FLOAT_OUT.includes(to)) return `f32(${v})`;
  const signed = SIGNED_OUT.includes(to);
  if (t === 'f32') {
    const finite = `(is_nan(${v}) || is_inf(${v}))`;
    const asInt = `select(i32(trunc(${v})), 0, ${finite})`;
    return signed ? asInt : `select(select(u32(${v}), bitcast<u32>(${asInt}), ${v} < 0.0), 0u, ${finite})`;
  }
  if (t === 'i32') return signed ? v : `bitcast<u32>(${v})`;
  return signed ? `bitcast<i32>(${v})` : v;
}

function castJob(gpu: GpuContext, x: Tensor, to: DType): GpuJob | undefined {
  if (!CASTABLE.includes(to)) return undefined;
  return async () => [await elementwise(gpu, { label: 'Cast', inputs: [x], outType: to, expr: ([v], [t]) => convert(v, t, to) })];
}

function clipJob(gpu: GpuContext, x: Tensor, lo: Tensor | undefined, hi: Tensor | undefined): GpuJob | undefined {
  if ([lo, hi].some((b) => b && (b.type !== x.type || b.size !== 1))) return undefined;
  const inputs = [x, ...(lo ? [lo] : []), ...(hi ? [hi] : [])];
  return async () => [await elementwise(gpu, {
    label: 'Clip', inputs, outType: x.type,
    expr: ([v, ...bounds]) => {
      const low = lo ? `select(${v}, ${bounds[0]}, ${v} < ${bounds[0]})` : v;
      return hi ? `select(${low}, ${bounds[lo ? 1 : 0]}, ${low} > ${bounds[lo ? 1 : 0]})` : low;
    },
  })];
}

export const castKernels: KernelSpec<any>[] = [
  gpuKernel({
    op: 'Cast', since: 6, dtypes: CASTABLE, attrs: { to: attr.int.required(), saturate: attr.int(1), round_mode: attr.string('up') },
    plan: (inputs, a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      let to: DType;
      try {
        to = dtypeFromCode(a.to);
      } catch {
        return undefined;
      }
      return x && castJob(gpu, x, to);
    },
  }),
  gpuKernel({
    op: 'CastLike', since: 15, dtypes: CASTABLE, attrs: { saturate: attr.int(1), round_mode: attr.string('up') },
    plan: (inputs, _a, { gpu }) => {
      const [x, like] = [tensorAt(inputs, 0), tensorAt(inputs, 1)];
      return x && like && castJob(gpu, x, like.type);
    },
  }),
  gpuKernel({
    op: 'Clip', since: 1, until: 10, dtypes: ['float32', 'float16'],
    attrs: { min: attr.float(-3.4028234663852886e38), max: attr.float(3.4028234663852886e38) },
    plan: (inputs, a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      if (!x) return undefined;
      const [lo, hi] = [f32Literal(a.min), f32Literal(a.max)];
      return async () => [await elementwise(gpu, {
        label: 'Clip', inputs: [x], outType: x.type,
        expr: ([v]) => `select(select(${v}, ${lo}, ${v} < ${lo}), ${hi}, select(${v}, ${lo}, ${v} < ${lo}) > ${hi})`,
      })];
    },
  }),
  gpuKernel({
    op: 'Clip', since: 11, dtypes: GPU_NUMERIC,
    plan: (inputs, _a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      const bound = (i: number): Tensor | undefined | null => (inputs[i] === undefined || inputs[i] === null ? undefined : isTensor(inputs[i]) ? (inputs[i] as Tensor) : null);
      const [lo, hi] = [bound(1), bound(2)];
      return x && lo !== null && hi !== null ? clipJob(gpu, x, lo, hi) : undefined;
    },
  }),
];
