/**
 * Pooling over one or two spatial axes (1-D as 2-D of height 1): MaxPool (with its optional int64 Indices output,
 * row- or column-major) and AveragePool, one invocation per output element walking its window; GlobalAveragePool
 * and GlobalMaxPool as row reductions over each channel plane.
 */
import { attr, type KernelSpec, type Tensor } from '@onnx-ts/core';
import { poolAttrs } from '@onnx-ts/backend-cpu-ref';
import type { GpuContext } from '../../context.js';
import { gpuKernel, type GpuJob } from '../../define.js';
import { load, runFlat, store } from '../../program.js';
import { allocTensor, kindOf } from '../../tensors.js';
import { tensorAt } from '../args.js';
import { mathHeader } from '../elementwise/wgsl-math.js';
import { ROW_THREADS, runRows } from '../reduce/rows.js';
import { as2d, placeWindow, type Window } from './window.js';


type PoolAttrs = { auto_pad: string; ceil_mode: number; dilations?: number[]; kernel_shape: number[]; pads?: number[]; strides?: number[] };

function poolWindow(x: Tensor, a: PoolAttrs): Window | undefined {
  if (x.dims.length !== 3 && x.dims.length !== 4) return undefined;
  if (a.ceil_mode !== 0 && a.ceil_mode !== 1) return undefined;
  return placeWindow(x.dims.slice(2), a.kernel_shape, a, a.ceil_mode === 1);
}

interface PoolKind {
  op: 'MaxPool' | 'AveragePool';
  countIncludePad?: boolean;
  indices?: 'row' | 'column';
}

function poolJob(gpu: GpuContext, x: Tensor, window: Window, k: PoolKind): GpuJob {
  return async () => {
    const outDims = [x.dims[0], x.dims[1], ...window.grid];
    const y = allocTensor(gpu, x.type, outDims);
    const idx = k.indices ? allocTensor(gpu, 'int64', outDims) : undefined;
    if (y.size === 0) return idx ? [y, idx] : [y];
    const w = as2d(window);
    const kind = kindOf(x, gpu);
    const [KH, KW] = w.kernel;
    const [sh, sw] = w.strides;
    const [dh, dw] = w.dilations;
    const [ph, pw] = w.padBegin;
    const [eh, ew] = w.padEnd;
    const isMax = k.op === 'MaxPool';
    const visit = isMax
      ? `if (at < 0 || v > best || (is_nan(v) && !is_nan(best))) { best = v; at = ${k.indices === 'column' ? 'iw * i32(P.H) + ih' : 'ih * i32(P.W) + iw'}; }`
      : 'best += v; count += 1.0;';
    const main = `
  if (gid >= P.total) { return; }
  let ow = i32(gid % P.OW);
  let oh = i32((gid / P.OW) % P.OH);
  let plane = gid / (P.OW * P.OH);
  var best = ${isMax ? '-inf_f()' : '0.0'};
  var at = -1;
  var count = 0.0;
  var padded = 0.0;
  for (var kh = 0; kh < P.KH; kh++) {
    let ih = oh * P.sh + kh * P.dh - P.ph;
    let in_h = ih >= 0 && ih < i32(P.H);
    let pad_h = ih >= -P.ph && ih < i32(P.H) + P.eh;
    for (var kw = 0; kw < P.KW; kw++) {
      let iw = ow * P.sw + kw * P.dw - P.pw;
      if (pad_h && iw >= -P.pw && iw < i32(P.W) + P.ew) { padded += 1.0; }
      if (in_h && iw >= 0 && iw < i32(P.W)) {
        let v = ${load(kind, 'x', 'plane * P.H * P.W + u32(ih) * P.W + u32(iw)')};
        ${visit}
      }
    }
  }
  ${isMax ? store(x.type, kind, 'y', 'gid', 'best') : store(x.type, kind, 'y', 'gid', `best / ${k.countIncludePad ? 'padded' : 'count'}`)}
  ${idx ? 'idx[2u * gid] = select(i32(plane * P.H * P.W) + at, 0, at < 0);\n  idx[2u * gid + 1u] = 0;' : ''}`;
    await runFlat(gpu, {
      label: k.op,
      inputs: [{ name: 'x', kind }],
      outputs: idx ? [{ name: 'y', kind }, { name: 'idx', kind: 'i64' }] : [{ name: 'y', kind }],
      params: {
        total: 'u32', OW: 'u32', OH: 'u32', H: 'u32', W: 'u32',
        KH: 'i32', KW: 'i32', sh: 'i32', sw: 'i32', dh: 'i32', dw: 'i32', ph: 'i32', pw: 'i32', eh: 'i32', ew: 'i32',
      },
      header: mathHeader(main),
      main,
    }, idx ? [x, y, idx] : [x, y], {
      total: y.size, OW: w.grid[1], OH: w.grid[0], H: w.image[0], W: w.image[1], KH, KW, sh, sw, dh, dw, ph, pw, eh, ew,
    }, y.size);
    return idx ? [y, idx] : [y];
  };
}

function globalPool(op: 'GlobalAveragePool' | 'GlobalMaxPool'): KernelSpec<any> {
  const isMax = op === 'GlobalMaxPool';
  return gpuKernel({
    op, since: 1, dtypes: ['float32', 'float16'],
    plan: (inputs, _a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      if (!x || x.dims.length < 2) return undefined;
      return async () => {
        const [N, C] = x.dims;
        const len = x.size / Math.max(1, N * C);
        const y = allocTensor(gpu, x.type, [N, C, ...x.dims.slice(2).map(() => 1)]);
        const kind = kindOf(x, gpu);
        const reduce = isMax ? `
  var acc = -inf_f();
  var nan = 0.0;
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) {
    let v = ${load(kind, 'x', 'base + i')};
    if (is_nan(v)) { nan = 1.0; } else { acc = max(acc, v); }
  }
  let r = select(wg_max(acc, li), nan_f(), wg_max(nan, li) > 0.0);
` : `
  var acc = 0.0;
  for (var i = li; i < P.len; i += ${ROW_THREADS}u) { acc += ${load(kind, 'x', 'base + i')}; }
  let r = wg_sum(acc, li) / f32(P.len);
`;
        const main = `${reduce}
  if (li == 0u) { ${store(x.type, kind, 'y', 'row', 'r')} }`;
        await runRows(gpu, { label: op, inputs: [{ name: 'x', kind }], outputs: [{ name: 'y', kind }], header: mathHeader(main), main }, { outer: N * C, len, inner: 1 }, [x, y]);
        return [y];
      };
    },
  });
}

export const poolKernels: KernelSpec<any>[] = [
  gpuKernel({
    op: 'MaxPool', since: 1, dtypes: ['float32', 'float16'], attrs: { ...poolAttrs, storage_order: attr.int(0) },
    plan: (inputs, a, { gpu, outputUsed }) => {
      const x = tensorAt(inputs, 0);
      const window = x && poolWindow(x, a);
      if (!x || !window || (a.storage_order !== 0 && a.storage_order !== 1)) return undefined;
      const indices = outputUsed[1] ? (a.storage_order === 1 ? 'column' : 'row') : undefined;
      return poolJob(gpu, x, window, { op: 'MaxPool', indices });
    },
  }),
  gpuKernel({
    op: 'AveragePool', since: 1, dtypes: ['float32', 'float16'], attrs: { ...poolAttrs, count_include_pad: attr.int(0) },
    plan: (inputs, a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      const window = x && poolWindow(x, a);
      return x && window && poolJob(gpu, x, window, { op: 'AveragePool', countIncludePad: a.count_include_pad !== 0 });
    },
  }),
  globalPool('GlobalAveragePool'),
  globalPool('GlobalMaxPool'),
];
