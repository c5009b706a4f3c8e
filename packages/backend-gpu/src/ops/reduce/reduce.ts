/**
 * The Reduce* operators and ArgMax/ArgMin as row kernels. Reduced axes that form one block are read in place at a
 * stride ([outer, len, inner]); others are first moved last by a transpose. Max and Min propagate NaN (numpy's
 * maximum does); LogSumExp factors out the row's maximum. Float tensors only: integer reductions run on cpu-ref.
 */
import { attr, stridesOf, shapeSize, type KernelSpec, type Tensor } from '@onnx-ts/core';
import type { GpuContext } from '../../context.js';
import { gpuKernel, type GpuJob } from '../../define.js';
import { load, store } from '../../program.js';
import { allocTensor, disposeTensor, kindOf } from '../../tensors.js';
import { axesIn, axisIn, readInts, tensorAt } from '../args.js';
import { mathHeader } from '../elementwise/wgsl-math.js';
import { affineCopy } from '../tensor/copy.js';
import { ROW_THREADS, rowsView, runRows, type RowsView } from './rows.js';

type Reduction = 'Sum' | 'Mean' | 'Max' | 'Min' | 'Prod' | 'L1' | 'L2' | 'LogSum' | 'LogSumExp' | 'SumSquare';

/** WGSL reducing the row to `r` (f32); `x(i)` reads element i of the row. */
function reduceBody(r: Reduction, x: (i: string) => string): string {
  const loop = (body: string): string => `for (var i = li; i < P.len; i += ${ROW_THREADS}u) { let v = ${x('i')}; ${body} }`;
  switch (r) {
    case 'Max': case 'Min': {
      const f = r === 'Max' ? 'max' : 'min';
      return `
  var acc = ${r === 'Max' ? '-inf_f()' : 'inf_f()'};
  var nan = 0.0;
  ${loop(`if (is_nan(v)) { nan = 1.0; } else { acc = ${f}(acc, v); }`)}
  let r = select(wg_${f}(acc, li), nan_f(), wg_max(nan, li) > 0.0);`;
    }
    case 'Prod':
      return `\n  var acc = 1.0;\n  ${loop('acc *= v;')}\n  let r = wg_prod(acc, li);`;
    case 'LogSumExp':
      return `
  var m = -inf_f();
  ${loop('m = max(m, v);')}
  m = wg_max(m, li);
  let shift = select(0.0, m, abs(m) < inf_f());
  var acc = 0.0;
  ${loop('acc += exp(v - shift);')}
  let r = log(wg_sum(acc, li)) + shift;`;
    default: {
      const term = r === 'L1' ? 'abs(v)' : r === 'L2' || r === 'SumSquare' ? 'v * v' : 'v';
      const finish = { Sum: 's', Mean: 's / f32(P.len)', L1: 's', L2: 'sqrt(s)', LogSum: 'log(s)', SumSquare: 's' }[r];
      return `\n  var acc = 0.0;\n  ${loop(`acc += ${term};`)}\n  let s = wg_sum(acc, li);\n  let r = ${finish};`;
    }
  }
}

interface Layout {
  /** The input to reduce, transposed when the reduced axes are not one block. */
  view: RowsView;
  outDims: number[];
  /** Dims and source strides of the transpose that moves the reduced axes last, when needed. */
  transpose?: { dims: number[]; strides: number[] };
}

/** How to reduce `dims` over `axes` (normalized, distinct). */
function layoutFor(dims: readonly number[], axes: readonly number[], keepdims: boolean): Layout {
  const sorted = [...axes].sort((a, b) => a - b);
  const outDims = keepdims ? dims.map((d, i) => (axes.includes(i) ? 1 : d)) : dims.filter((_, i) => !axes.includes(i));
  if (!sorted.length) return { view: { outer: shapeSize(dims), len: 1, inner: 1 }, outDims };
  const block = sorted.every((a, i) => a === sorted[0] + i);
  if (block) return { view: rowsView(dims, sorted[0], sorted[sorted.length - 1]), outDims };
  const kept = dims.map((_, i) => i).filter((i) => !axes.includes(i));
  const order = [...kept, ...sorted];
  const strides = stridesOf(dims);
  const len = shapeSize(sorted.map((a) => dims[a]));
  return {
    view: { outer: shapeSize(dims) / Math.max(1, len), len, inner: 1 },
    outDims,
    transpose: { dims: order.map((a) => dims[a]), strides: order.map((a) => strides[a]) },
  };
}

/** The tensor to reduce: `x`, or a transposed copy of it when the layout moves the reduced axes last. */
async function arranged(gpu: GpuContext, x: Tensor, layout: Layout): Promise<Tensor> {
  if (!layout.transpose) return x;
  const t = allocTensor(gpu, x.type, layout.transpose.dims);
  await affineCopy(gpu, x, t, { dims: layout.transpose.dims, srcBase: 0, srcStrides: layout.transpose.strides, dstBase: 0, dstStrides: stridesOf(layout.transpose.dims) });
  return t;
}

function reduceJob(gpu: GpuContext, r: Reduction, x: Tensor, axes: number[], keepdims: boolean): GpuJob {
  return async () => {
    const layout = layoutFor(x.dims, axes, keepdims);
    const y = allocTensor(gpu, x.type, layout.outDims);
    if (y.size === 0) return [y];
    const src = await arranged(gpu, x, layout);
    const kind = kindOf(x, gpu);
    const main = `${reduceBody(r, (i) => load(kind, 'x', `base + ${i} * P.inner`))}\n  if (li == 0u) { ${store(x.type, kind, 'y', 'row', 'r')} }`;
    await runRows(gpu, { label: `Reduce${r}`, inputs: [{ name: 'x', kind }], outputs: [{ name: 'y', kind }], header: mathHeader(main), main }, layout.view, [src, y]);
    if (src !== x) disposeTensor(src);
    return [y];
  };
}

/** Reduced axes from the attribute or input; undefined when they are invalid (cpu-ref then reports it). */
function reducedAxes(x: Tensor, given: number[] | undefined, noopWhenEmpty: boolean): number[] | undefined {
  const all = x.dims.map((_, i) => i);
  if (!given || given.length === 0) return noopWhenEmpty ? [] : all;
  return axesIn(given, x.dims.length);
}

function reductionKernels(r: Reduction, axesInputSince: number): KernelSpec<any>[] {
  const op = `Reduce${r}`;
  const dtypes = ['float32', 'float16'] as const;
  return [
    gpuKernel({
      op, since: 1, until: axesInputSince - 1, dtypes, attrs: { axes: attr.ints(), keepdims: attr.int(1) },
      plan: (inputs, a, { gpu }) => {
        const x = tensorAt(inputs, 0);
        const axes = x && reducedAxes(x, a.axes, false);
        return x && axes && reduceJob(gpu, r, x, axes, a.keepdims !== 0);
      },
    }),
    gpuKernel({
      op, since: axesInputSince, dtypes, attrs: { keepdims: attr.int(1), noop_with_empty_axes: attr.int(0) },
      plan: async (inputs, a, { gpu }) => {
        const x = tensorAt(inputs, 0);
        const axesTensor = tensorAt(inputs, 1);
        const given = axesTensor ? await readInts(axesTensor, gpu) : [];
        if (!x || !given) return undefined;
        const axes = reducedAxes(x, given, a.noop_with_empty_axes !== 0);
        return axes && reduceJob(gpu, r, x, axes, a.keepdims !== 0);
      },
    }),
  ];
}

/** ArgMax/ArgMin along one axis: each invocation keeps its best (value, index), then the workgroup merges them. */
function argJob(gpu: GpuContext, op: 'ArgMax' | 'ArgMin', x: Tensor, axis: number, keepdims: boolean, selectLast: boolean): GpuJob | undefined {
  if (x.dims[axis] === 0) return undefined;
  return async () => {
    const layout = layoutFor(x.dims, [axis], keepdims);
    const y = allocTensor(gpu, 'int64', layout.outDims);
    if (y.size === 0) return [y];
    const kind = kindOf(x, gpu);
    const better = op === 'ArgMax' ? '>' : '<';
    // `wins(v, i, b, j)`: element (v, i) replaces the best (b, j). NaN beats numbers; ties go to the first index
    // (or the last with select_last_index).
    const header = `
var<workgroup> best_v: array<f32, ${ROW_THREADS}>;
var<workgroup> best_i: array<u32, ${ROW_THREADS}>;
fn wins(v: f32, i: u32, b: f32, j: u32) -> bool {
  if (j == 0xffffffffu) { return true; }
  if (i == 0xffffffffu) { return false; }
  let tie = v == b || (is_nan(v) && is_nan(b));
  if (tie) { return ${selectLast ? 'i > j' : 'i < j'}; }
  return v ${better} b || (is_nan(v) && !is_nan(b));
}`;
    const main = `
  var bv = 0.0;
  var bi = 0xffffffffu;
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) {
    let v = ${load(kind, 'x', 'base + i * P.inner')};
    if (wins(v, i, bv, bi)) { bv = v; bi = i; }
  }
  best_v[li] = bv;
  best_i[li] = bi;
  workgroupBarrier();
  for (var s = ${ROW_THREADS / 2}u; s > 0u; s = s >> 1u) {
    if (li < s && wins(best_v[li + s], best_i[li + s], best_v[li], best_i[li])) { best_v[li] = best_v[li + s]; best_i[li] = best_i[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u) { y[2u * row] = i32(best_i[0]); y[2u * row + 1u] = 0; }`;
    await runRows(gpu, { label: op, inputs: [{ name: 'x', kind }], outputs: [{ name: 'y', kind: 'i64' }], header: header + mathHeader(header), main }, layout.view, [x, y]);
    return [y];
  };
}

function argKernel(op: 'ArgMax' | 'ArgMin'): KernelSpec<any> {
  return gpuKernel({
    op, since: 1, dtypes: ['float32', 'float16'], attrs: { axis: attr.int(0), keepdims: attr.int(1), select_last_index: attr.int(0) },
    plan: (inputs, a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      const axis = x && axisIn(a.axis, x.dims.length);
      return x && axis !== undefined ? argJob(gpu, op, x, axis, a.keepdims !== 0, a.select_last_index !== 0) : undefined;
    },
  });
}

export const reduceKernels: KernelSpec<any>[] = [
  ...reductionKernels('Sum', 13), ...reductionKernels('Mean', 18), ...reductionKernels('Max', 18), ...reductionKernels('Min', 18),
  ...reductionKernels('Prod', 18), ...reductionKernels('L1', 18), ...reductionKernels('L2', 18), ...reductionKernels('LogSum', 18),
  ...reductionKernels('LogSumExp', 18), ...reductionKernels('SumSquare', 18), argKernel('ArgMax'), argKernel('ArgMin'),
];
