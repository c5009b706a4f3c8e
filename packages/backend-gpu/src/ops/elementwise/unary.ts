/** Unary elementwise ops and activations: y = f(x), one WGSL expression each, attribute values inlined. */
import { attr, isTensor, type AttrSchema, type AttrValues, type DType, type KernelSpec, type Tensor } from '@onnx-ts/core';
import { gpuKernel } from '../../define.js';
import type { ScalarType } from '../../program.js';
import { elementwise, f32Literal } from './engine.js';

export const GPU_FLOATS: readonly DType[] = ['float32', 'float16'];
export const GPU_SIGNED: readonly DType[] = ['int32', 'int16', 'int8'];
export const GPU_UNSIGNED: readonly DType[] = ['uint32', 'uint16', 'uint8'];
export const GPU_NUMERIC: readonly DType[] = [...GPU_FLOATS, ...GPU_SIGNED, ...GPU_UNSIGNED];

type UnaryExpr<S extends AttrSchema> = (x: string, t: ScalarType, a: AttrValues<S>) => string;

interface UnaryOptions<S extends AttrSchema> {
  since: number;
  dtypes?: readonly DType[];
  attrs?: S;
  /** Output type when it is not the input's (IsNaN, IsInf). */
  outType?: DType;
  /** Whether the attribute values are ones the expression handles. */
  accepts?(a: AttrValues<S>): boolean;
}

function unary<S extends AttrSchema = Record<string, never>>(op: string, expr: UnaryExpr<S>, o: UnaryOptions<S>): KernelSpec<S> {
  return gpuKernel<S>({
    op, since: o.since, dtypes: o.dtypes ?? GPU_FLOATS, attrs: o.attrs,
    supports: (inputs, a) => isTensor(inputs[0]) && (o.accepts?.(a) ?? true),
    run: async ([x], a, { gpu }) => [await elementwise(gpu, {
      label: op,
      inputs: [x as Tensor],
      outType: o.outType ?? (x as Tensor).type,
      expr: ([v], [t]) => expr(v, t, a),
    })],
  });
}

const lit = f32Literal;

export const unaryKernels: KernelSpec<any>[] = [
  unary('Abs', (x, t) => (t === 'u32' ? x : `abs(${x})`), { since: 1, dtypes: GPU_NUMERIC }),
  unary('Neg', (x) => `-${x}`, { since: 1, dtypes: [...GPU_FLOATS, ...GPU_SIGNED] }),
  unary('Relu', (x, t) => (t === 'f32' ? `select(${x}, 0.0, ${x} < 0.0 && !is_nan(${x}))` : `max(${x}, 0)`), { since: 1, dtypes: [...GPU_FLOATS, ...GPU_SIGNED] }),
  unary('Sqrt', (x) => `sqrt(${x})`, { since: 1 }),
  unary('Exp', (x) => `exp(${x})`, { since: 1 }),
  unary('Log', (x) => `log(${x})`, { since: 1 }),
  unary('Sigmoid', (x) => `sigmoid_f(${x})`, { since: 1 }),
  unary('Tanh', (x) => `tanh_f(${x})`, { since: 1 }),
  unary('Sin', (x) => `sin(${x})`, { since: 7 }),
  unary('Cos', (x) => `cos(${x})`, { since: 7 }),
  unary('Tan', (x) => `tan(${x})`, { since: 7 }),
  unary('Asin', (x) => `asin(${x})`, { since: 7 }),
  unary('Acos', (x) => `acos(${x})`, { since: 7 }),
  unary('Atan', (x) => `atan(${x})`, { since: 7 }),
  unary('Sinh', (x) => `sinh_f(${x})`, { since: 9 }),
  unary('Cosh', (x) => `0.5 * (exp(${x}) + exp(-${x}))`, { since: 9 }),
  unary('Asinh', (x) => `asinh_f(${x})`, { since: 9 }),
  unary('Acosh', (x) => `log(${x} + sqrt(${x} * ${x} - 1.0))`, { since: 9 }),
  unary('Atanh', (x) => `atanh_f(${x})`, { since: 9 }),
  unary('Erf', (x) => `erf_f(${x})`, { since: 9 }),
  unary('Ceil', (x) => `ceil(${x})`, { since: 1 }),
  unary('Floor', (x) => `floor(${x})`, { since: 1 }),
  unary('Round', (x) => `round(${x})`, { since: 11 }),
  unary('Reciprocal', (x) => `1.0 / ${x}`, { since: 1 }),
  unary('Sign', (x, t) => (t === 'f32' ? `select(sign(${x}), ${x}, is_nan(${x}))` : t === 'u32' ? `min(${x}, 1u)` : `sign(${x})`), { since: 9, dtypes: GPU_NUMERIC }),
  unary('Softplus', (x) => `max(${x}, 0.0) + log1p_f(exp(-abs(${x})))`, { since: 1 }),
  unary('Softsign', (x) => `${x} / (1.0 + abs(${x}))`, { since: 1 }),
  unary('IsNaN', (x) => `is_nan(${x})`, { since: 9, outType: 'bool' }),
  unary('IsInf', (x, _t, a) => `is_inf(${x}) && ((${x} > 0.0 && ${a.detect_positive !== 0}) || (${x} < 0.0 && ${a.detect_negative !== 0}))`, {
    since: 10, outType: 'bool', attrs: { detect_negative: attr.int(1), detect_positive: attr.int(1) },
  }),
  unary('Not', (x) => `${x} == 0u`, { since: 1, dtypes: ['bool'] }),
  unary('BitwiseNot', (x) => `~${x}`, { since: 18, dtypes: [...GPU_SIGNED, ...GPU_UNSIGNED] }),
  unary('Elu', (x, _t, a) => `select(${x}, ${lit(a.alpha)} * expm1_f(${x}), ${x} < 0.0)`, { since: 1, attrs: { alpha: attr.float(1) } }),
  unary('Celu', (x, _t, a) => `max(${x}, 0.0) + min(0.0, ${lit(a.alpha)} * expm1_f(${x} / ${lit(a.alpha)}))`, {
    since: 12, dtypes: ['float32'], attrs: { alpha: attr.float(1) },
  }),
  unary('Selu', (x, _t, a) => `${lit(a.gamma)} * select(${x}, ${lit(a.alpha)} * expm1_f(${x}), ${x} <= 0.0)`, {
    since: 1, attrs: { alpha: attr.float(1.6732631921768188), gamma: attr.float(1.0507010221481323) },
  }),
  unary('LeakyRelu', (x, _t, a) => `select(${x}, ${lit(a.alpha)} * ${x}, ${x} < 0.0)`, { since: 1, attrs: { alpha: attr.float(0.01) } }),
  unary('ThresholdedRelu', (x, _t, a) => `select(0.0, ${x}, ${x} > ${lit(a.alpha)})`, { since: 10, attrs: { alpha: attr.float(1) } }),
  unary('HardSigmoid', (x, _t, a) => `clamp(${lit(a.alpha)} * ${x} + ${lit(a.beta)}, 0.0, 1.0)`, {
    since: 1, attrs: { alpha: attr.float(0.2), beta: attr.float(0.5) },
  }),
  unary('HardSwish', (x) => `${x} * clamp(${x} / 6.0 + 0.5, 0.0, 1.0)`, { since: 14 }),
  unary('Mish', (x) => `${x} * tanh_f(max(${x}, 0.0) + log1p_f(exp(-abs(${x}))))`, { since: 18 }),
  unary('Swish', (x, _t, a) => `${x} * sigmoid_f(${lit(a.alpha)} * ${x})`, { since: 24, attrs: { alpha: attr.float(1) } }),
  unary('Gelu', (x, _t, a) => (a.approximate === 'tanh'
    ? `${x} * sigmoid_f(1.5957691216057308 * (${x} + 0.044715 * ${x} * ${x} * ${x}))`
    : `0.5 * ${x} * erfc_f(-${x} * 0.7071067811865476)`), {
    since: 20, attrs: { approximate: attr.string('none') }, accepts: (a) => a.approximate === 'none' || a.approximate === 'tanh',
  }),
  unary('Shrink', (x, _t, a) => `select(select(0.0, ${x} - ${lit(a.bias)}, ${x} > ${lit(a.lambd)}), ${x} + ${lit(a.bias)}, ${x} < -${lit(a.lambd)})`, {
    since: 9, attrs: { bias: attr.float(0), lambd: attr.float(0.5) },
  }),
];
