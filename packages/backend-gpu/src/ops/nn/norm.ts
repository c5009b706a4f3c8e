/**
 * Normalizations: BatchNormalization in inference mode (per-channel affine), LRN (across channels), and the row
 * kernels InstanceNormalization, LayerNormalization, RMSNormalization (mean, then variance around it, then the
 * output) and LpNormalization.
 * Statistics are computed in f32 whatever the storage. Training-mode BatchNormalization runs on cpu-ref.
 */
import { attr, sameShape, shapeSize, type KernelSpec, type Tensor } from '@onnx-ts/core';
import type { GpuContext } from '../../context.js';
import { gpuKernel, type GpuJob } from '../../define.js';
import { load, runFlat, store } from '../../program.js';
import { allocTensor, kindOf } from '../../tensors.js';
import { axisIn, tensorAt, tensorsAt } from '../args.js';
import { f32Literal } from '../elementwise/engine.js';
import { ROW_THREADS, rowsView, runRows } from '../reduce/rows.js';

const FLOATS = ['float32', 'float16'] as const;

function batchNormJob(gpu: GpuContext, ts: Tensor[], epsilon: number): GpuJob | undefined {
  const [x, ...stats] = ts;
  if (x.dims.length < 2) return undefined;
  const C = x.dims[1];
  if (stats.some((t) => t.type !== x.type || t.dims.length !== 1 || t.size !== C)) return undefined;
  return async () => {
    const y = allocTensor(gpu, x.type, x.dims);
    if (y.size === 0) return [y];
    const kind = kindOf(x, gpu);
    const at = (name: string): string => load(kind, name, 'c');
    const main = `
  if (gid >= P.total) { return; }
  let c = (gid / P.spatial) % P.C;
  let v = (${load(kind, 'x', 'gid')} - ${at('mean')}) * (${at('scale')} / sqrt(${at('variance')} + ${f32Literal(epsilon)})) + ${at('bias')};
  ${store(x.type, kind, 'y', 'gid', 'v')}`;
    await runFlat(gpu, {
      label: 'BatchNormalization',
      inputs: ['x', 'scale', 'bias', 'mean', 'variance'].map((name) => ({ name, kind })),
      outputs: [{ name: 'y', kind }],
      params: { total: 'u32', spatial: 'u32', C: 'u32' },
      main,
    }, [...ts, y], { total: y.size, spatial: shapeSize(x.dims.slice(2)), C }, y.size);
    return [y];
  };
}

function lrnJob(gpu: GpuContext, x: Tensor, a: { alpha: number; beta: number; bias: number; size: number }): GpuJob | undefined {
  if (x.dims.length < 3 || !(a.size >= 1) || !Number.isInteger(a.size)) return undefined;
  return async () => {
    const y = allocTensor(gpu, x.type, x.dims);
    if (y.size === 0) return [y];
    const kind = kindOf(x, gpu);
    const before = Math.floor((a.size - 1) / 2);
    const after = Math.ceil((a.size - 1) / 2);
    const main = `
  if (gid >= P.total) { return; }
  let s = gid % P.spatial;
  let c = i32((gid / P.spatial) % P.C);
  let plane0 = (gid / (P.spatial * P.C)) * P.C * P.spatial + s;
  var sum = 0.0;
  for (var k = max(0, c - ${before}); k <= min(i32(P.C) - 1, c + ${after}); k++) {
    let v = ${load(kind, 'x', 'plane0 + u32(k) * P.spatial')};
    sum += v * v;
  }
  let base = ${f32Literal(a.bias)} + ${f32Literal(a.alpha / a.size)} * sum;
  ${store(x.type, kind, 'y', 'gid', `${load(kind, 'x', 'gid')} / exp2(${f32Literal(a.beta)} * log2(base))`)}`;
    await runFlat(gpu, {
      label: 'LRN', inputs: [{ name: 'x', kind }], outputs: [{ name: 'y', kind }],
      params: { total: 'u32', spatial: 'u32', C: 'u32' }, main,
    }, [x, y], { total: y.size, spatial: shapeSize(x.dims.slice(2)), C: x.dims[1] }, y.size);
    return [y];
  };
}

/**
 * The row statistics every normalization starts with, in f32: `mean` and `rstd` = 1/sqrt(var + eps); uncentered
 * (RMSNormalization) the mean is 0 and the variance is the mean square.
 */
function statistics(kind: Parameters<typeof load>[0], epsilon: number, centered = true): string {
  if (!centered) {
    return `
  let mean = 0.0;
  var q = 0.0;
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) { let v = ${load(kind, 'x', 'base + i * P.inner')}; q += v * v; }
  let rstd = 1.0 / sqrt(wg_sum(q, li) / f32(P.len) + ${f32Literal(epsilon)});`;
  }
  return `
  var s = 0.0;
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) { s += ${load(kind, 'x', 'base + i * P.inner')}; }
  let mean = wg_sum(s, li) / f32(P.len);
  var q = 0.0;
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) { let d = ${load(kind, 'x', 'base + i * P.inner')} - mean; q += d * d; }
  let rstd = 1.0 / sqrt(wg_sum(q, li) / f32(P.len) + ${f32Literal(epsilon)});`;
}

function instanceNormJob(gpu: GpuContext, x: Tensor, scale: Tensor, bias: Tensor, epsilon: number): GpuJob | undefined {
  if (x.dims.length < 3) return undefined;
  const C = x.dims[1];
  if ([scale, bias].some((t) => t.type !== x.type || t.dims.length !== 1 || t.size !== C)) return undefined;
  return async () => {
    const y = allocTensor(gpu, x.type, x.dims);
    if (y.size === 0) return [y];
    const kind = kindOf(x, gpu);
    const main = `${statistics(kind, epsilon)}
  let c = row % P.C;
  let k = ${load(kind, 'scale', 'c')} * rstd;
  let b = ${load(kind, 'bias', 'c')} - mean * k;
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) { ${store(x.type, kind, 'y', 'base + i', `${load(kind, 'x', 'base + i')} * k + b`)} }`;
    await runRows(gpu, {
      label: 'InstanceNormalization', inputs: ['x', 'scale', 'bias'].map((name) => ({ name, kind })), outputs: [{ name: 'y', kind }],
      params: { C: 'u32' }, main,
    }, { outer: x.dims[0] * C, len: shapeSize(x.dims.slice(2)), inner: 1 }, [x, scale, bias, y], { C });
    return [y];
  };
}

/** The dims of `t` without leading 1s. */
const core = (t: Tensor): readonly number[] => {
  const first = t.dims.findIndex((d) => d !== 1);
  return first < 0 ? [] : t.dims.slice(first);
};

function layerNormJob(
  gpu: GpuContext, x: Tensor, scale: Tensor, bias: Tensor | undefined, a: { axis: number; epsilon: number }, outputUsed: readonly boolean[],
  centered = true,
): GpuJob | undefined {
  const axis = axisIn(a.axis, x.dims.length);
  if (axis === undefined) return undefined;
  const normalized = x.dims.slice(axis);
  const len = shapeSize(normalized);
  // Scale and bias must cover the normalized dims exactly (or be one value); other broadcasts run on cpu-ref.
  const fits = (t: Tensor): boolean => t.type === x.type && (t.size === 1 || sameShape(core(t), normalized.slice(normalized.length - core(t).length)) && t.size === len);
  if (!fits(scale) || (bias && !fits(bias))) return undefined;
  return async () => {
    const y = allocTensor(gpu, x.type, x.dims);
    const statDims = [...x.dims.slice(0, axis), ...normalized.map(() => 1)];
    const meanOut = outputUsed[1] ? allocTensor(gpu, 'float32', statDims) : undefined;
    const rstdOut = outputUsed[2] ? allocTensor(gpu, 'float32', statDims) : undefined;
    const outs = [y, ...(meanOut ? [meanOut] : []), ...(rstdOut ? [rstdOut] : [])];
    const result = [y, meanOut ?? null, rstdOut ?? null];
    if (y.size === 0) return result;
    const kind = kindOf(x, gpu);
    const at = (name: string, t: Tensor): string => load(kind, name, t.size === 1 ? '0u' : 'i');
    const value = `(${load(kind, 'x', 'base + i')} - mean) * rstd * ${at('scale', scale)}${bias ? ` + ${at('bias', bias)}` : ''}`;
    const main = `${statistics(kind, a.epsilon, centered)}
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) { ${store(x.type, kind, 'y', 'base + i', value)} }
  if (li == 0u) {${meanOut ? ' mean_out[row] = mean;' : ''}${rstdOut ? ' rstd_out[row] = rstd;' : ''} }`;
    const inputs = [{ name: 'x', kind }, { name: 'scale', kind }, ...(bias ? [{ name: 'bias', kind }] : [])];
    const outputs = [{ name: 'y', kind }, ...(meanOut ? [{ name: 'mean_out', kind: 'f32' as const }] : []), ...(rstdOut ? [{ name: 'rstd_out', kind: 'f32' as const }] : [])];
    await runRows(gpu, { label: centered ? 'LayerNormalization' : 'RMSNormalization', inputs, outputs, main }, { outer: shapeSize(x.dims.slice(0, axis)), len, inner: 1 },
      [x, scale, ...(bias ? [bias] : []), ...outs]);
    return result;
  };
}

function lpNormJob(gpu: GpuContext, x: Tensor, axisAttr: number, p: number): GpuJob | undefined {
  const axis = axisIn(axisAttr, x.dims.length);
  if (axis === undefined || (p !== 1 && p !== 2)) return undefined;
  return async () => {
    const y = allocTensor(gpu, x.type, x.dims);
    if (y.size === 0) return [y];
    const kind = kindOf(x, gpu);
    const at = 'base + i * P.inner';
    const main = `
  var s = 0.0;
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) { let v = ${load(kind, 'x', at)}; s += ${p === 1 ? 'abs(v)' : 'v * v'}; }
  let norm = ${p === 1 ? 'wg_sum(s, li)' : 'sqrt(wg_sum(s, li))'};
  let scale = select(1.0 / norm, 0.0, norm == 0.0);
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) { ${store(x.type, kind, 'y', at, `${load(kind, 'x', at)} * scale`)} }`;
    await runRows(gpu, { label: 'LpNormalization', inputs: [{ name: 'x', kind }], outputs: [{ name: 'y', kind }], main }, rowsView(x.dims, axis, axis), [x, y]);
    return [y];
  };
}

export const normKernels: KernelSpec<any>[] = [
  gpuKernel({
    op: 'BatchNormalization', since: 1, until: 13, dtypes: FLOATS,
    attrs: { epsilon: attr.float(1e-5), momentum: attr.float(0.9), is_test: attr.int(0), spatial: attr.int(1) },
    plan: (inputs, a, { gpu, outputUsed, opset }) => {
      const ts = tensorsAt(inputs, 5);
      const inference = outputUsed.slice(1).every((u) => !u) && (a.spatial === 1 || opset >= 9);
      return ts && inference ? batchNormJob(gpu, ts, a.epsilon) : undefined;
    },
  }),
  gpuKernel({
    op: 'BatchNormalization', since: 14, dtypes: FLOATS,
    attrs: { epsilon: attr.float(1e-5), momentum: attr.float(0.9), training_mode: attr.int(0) },
    plan: (inputs, a, { gpu, outputUsed }) => {
      const ts = tensorsAt(inputs, 5);
      return ts && a.training_mode === 0 && outputUsed.slice(1).every((u) => !u) ? batchNormJob(gpu, ts, a.epsilon) : undefined;
    },
  }),
  gpuKernel({
    op: 'LRN', since: 1, dtypes: FLOATS,
    attrs: { alpha: attr.float(0.0001), beta: attr.float(0.75), bias: attr.float(1), size: attr.int.required() },
    plan: (inputs, a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      return x && lrnJob(gpu, x, a);
    },
  }),
  gpuKernel({
    op: 'InstanceNormalization', since: 1, dtypes: FLOATS, attrs: { epsilon: attr.float(1e-5) },
    plan: (inputs, a, { gpu }) => {
      const ts = tensorsAt(inputs, 3);
      return ts && instanceNormJob(gpu, ts[0], ts[1], ts[2], a.epsilon);
    },
  }),
  gpuKernel({
    op: 'RMSNormalization', since: 23, dtypes: FLOATS,
    attrs: { axis: attr.int(-1), epsilon: attr.float(1e-5), stash_type: attr.int(1) },
    plan: (inputs, a, { gpu }) => {
      const ts = tensorsAt(inputs, 2);
      return ts && a.stash_type === 1 ? layerNormJob(gpu, ts[0], ts[1], undefined, a, [true], false) : undefined;
    },
  }),
  gpuKernel({
    op: 'LpNormalization', since: 1, dtypes: FLOATS, attrs: { axis: attr.int(-1), p: attr.int(2) },
    plan: (inputs, a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      return x && lpNormJob(gpu, x, a.axis, a.p);
    },
  }),
  gpuKernel({
    op: 'LayerNormalization', since: 17, dtypes: FLOATS,
    attrs: { axis: attr.int(-1), epsilon: attr.float(1e-5), stash_type: attr.int(1) },
    plan: (inputs, a, { gpu, outputUsed }) => {
      const ts = tensorsAt(inputs, 2);
      return ts && layerNormJob(gpu, ts[0], ts[1], tensorAt(inputs, 2), a, outputUsed);
    },
  }),
];
