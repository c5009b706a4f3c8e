/**
 * Softmax, LogSoftmax and Hardmax as row kernels. From opset 13 the rows run along one axis ([outer, dim, inner]);
 * before, the input is coerced to 2-D at the axis and the rows are its flattened trailing dims.
 */
import { attr, shapeSize, type KernelSpec, type Tensor } from '@onnx-ts/core';
import type { GpuContext } from '../../context.js';
import { gpuKernel, type GpuJob } from '../../define.js';
import { load, store } from '../../program.js';
import { allocTensor, kindOf } from '../../tensors.js';
import { axisIn, tensorAt } from '../args.js';
import { ROW_THREADS, rowsView, runRows, type RowsView } from './rows.js';

type Family = 'Softmax' | 'LogSoftmax' | 'Hardmax';

function body(op: Family, kind: Parameters<typeof load>[0], type: Tensor['type']): string {
  const x = (i: string): string => load(kind, 'x', `base + ${i} * P.inner`);
  const write = (v: string): string => store(type, kind, 'y', 'base + i * P.inner', v);
  const max = `
  var m = -3.4028234663852886e38;
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) { m = max(m, ${x('i')}); }
  m = wg_max(m, li);`;
  if (op === 'Hardmax') {
    return `${max}
  var first = f32(P.len);
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) { if (${x('i')} == m) { first = min(first, f32(i)); } }
  first = wg_min(first, li);
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) { ${write('select(0.0, 1.0, f32(i) == first)')} }`;
  }
  return `${max}
  var s = 0.0;
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) { s += exp(${x('i')} - m); }
  s = wg_sum(s, li);
  ${op === 'Softmax' ? 'let r = 1.0 / s;' : 'let r = log(s);'}
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) { ${write(op === 'Softmax' ? `exp(${x('i')} - m) * r` : `${x('i')} - m - r`)} }`;
}

function job(gpu: GpuContext, op: Family, x: Tensor, view: RowsView): GpuJob {
  return async () => {
    const y = allocTensor(gpu, x.type, x.dims);
    if (y.size === 0) return [y];
    const kind = kindOf(x, gpu);
    await runRows(gpu, { label: op, inputs: [{ name: 'x', kind }], outputs: [{ name: 'y', kind }], main: body(op, kind, x.type) }, view, [x, y]);
    return [y];
  };
}

function family(op: Family): KernelSpec<any>[] {
  return [
    gpuKernel({
      op, since: 1, until: 12, dtypes: ['float32', 'float16'], attrs: { axis: attr.int(1) },
      plan: (inputs, a, { gpu }) => {
        const x = tensorAt(inputs, 0);
        const axis = x && axisIn(a.axis, Math.max(1, x.dims.length));
        if (!x || axis === undefined) return undefined;
        return job(gpu, op, x, { outer: shapeSize(x.dims.slice(0, axis)), len: shapeSize(x.dims.slice(axis)), inner: 1 });
      },
    }),
    gpuKernel({
      op, since: 13, dtypes: ['float32', 'float16'], attrs: { axis: attr.int(-1) },
      plan: (inputs, a, { gpu }) => {
        const x = tensorAt(inputs, 0);
        const axis = x && axisIn(a.axis, x.dims.length);
        return x && axis !== undefined ? job(gpu, op, x, rowsView(x.dims, axis, axis)) : undefined;
      },
    }),
  ];
}

export const softmaxKernels: KernelSpec<any>[] = [...family('Softmax'), ...family('LogSoftmax'), ...family('Hardmax')];
