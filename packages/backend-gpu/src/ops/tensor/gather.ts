/**
 * Gather, GatherElements and Trilu. Indices are read on the CPU (they are small and usually constants), checked
 * against the axis and made non-negative, and uploaded as int32; an index out of range makes the node run on
 * cpu-ref, which reports it.
 */
import { Tensor, attr, shapeSize, stridesOf, type KernelSpec } from '@onnx-ts/core';
import type { GpuContext } from '../../context.js';
import { gpuKernel, type GpuJob } from '../../define.js';
import { runFlat } from '../../program.js';
import { allocTensor, disposeTensor, kindOf, uploadTensor } from '../../tensors.js';
import { axisIn, readInts, tensorAt } from '../args.js';
import { GPU_STORABLE } from './metadata.js';

const INDEX_TYPES = ['int32', 'int64'];

/** Indices normalized into [0, dim), or undefined when one is out of range. */
function normalized(indices: number[], dim: number): Int32Array | undefined {
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i] < 0 ? indices[i] + dim : indices[i];
    if (!(v >= 0 && v < dim)) return undefined;
    out[i] = v;
  }
  return out;
}

/** WGSL copying element `src` of x to element `dst` of y (int64 as two words). */
const copyElement = (i64: boolean, dst: string, src: string): string =>
  (i64 ? `y[2u * (${dst})] = x[2u * (${src})]; y[2u * (${dst}) + 1u] = x[2u * (${src}) + 1u];` : `y[${dst}] = x[${src}];`);

async function gatherPlan(gpu: GpuContext, x: Tensor, indices: Tensor, axisAttr: number): Promise<GpuJob | undefined> {
  const axis = axisIn(axisAttr, x.dims.length);
  const values = axis !== undefined ? await readInts(indices, gpu) : undefined;
  const idx = axis !== undefined && values ? normalized(values, x.dims[axis]) : undefined;
  if (axis === undefined || !idx) return undefined;
  return async () => {
    const outDims = [...x.dims.slice(0, axis), ...indices.dims, ...x.dims.slice(axis + 1)];
    const y = allocTensor(gpu, x.type, outDims);
    if (y.size === 0) return [y];
    const kind = kindOf(x, gpu);
    const inner = shapeSize(x.dims.slice(axis + 1));
    const ids = uploadTensor(new Tensor('int32', idx, [idx.length]), gpu);
    const main = `
  if (gid >= P.total) { return; }
  let i = gid % P.inner;
  let j = (gid / P.inner) % P.count;
  let o = gid / (P.inner * P.count);
  ${copyElement(kind === 'i64', 'gid', '(o * P.axis_len + u32(ids[j])) * P.inner + i')}`;
    await runFlat(gpu, {
      label: 'Gather', inputs: [{ name: 'x', kind }, { name: 'ids', kind: 'i32' }], outputs: [{ name: 'y', kind }],
      params: { total: 'u32', inner: 'u32', count: 'u32', axis_len: 'u32' }, main,
    }, [x, ids, y], { total: y.size, inner, count: idx.length, axis_len: x.dims[axis] }, y.size);
    disposeTensor(ids);
    return [y];
  };
}

async function gatherElementsPlan(gpu: GpuContext, x: Tensor, indices: Tensor, axisAttr: number): Promise<GpuJob | undefined> {
  const rank = x.dims.length;
  const axis = axisIn(axisAttr, rank);
  if (axis === undefined || indices.dims.length !== rank) return undefined;
  const values = await readInts(indices, gpu);
  const idx = values && normalized(values, x.dims[axis]);
  if (!idx) return undefined;
  return async () => {
    const y = allocTensor(gpu, x.type, indices.dims);
    if (y.size === 0) return [y];
    const kind = kindOf(x, gpu);
    const ids = uploadTensor(new Tensor('int32', idx, [idx.length]), gpu);
    const lines = ['  if (gid >= P.total) { return; }', '  var rest = gid;', '  var src = 0u;'];
    for (let d = rank - 1; d >= 0; d--) {
      const coord = d === axis ? 'u32(ids[gid])' : 'c';
      lines.push(`  { let c = rest % P_dims(${d}u); rest = rest / P_dims(${d}u); src += ${coord} * P_strides(${d}u); }`);
    }
    lines.push(`  ${copyElement(kind === 'i64', 'gid', 'src')}`);
    await runFlat(gpu, {
      label: 'GatherElements', inputs: [{ name: 'x', kind }, { name: 'ids', kind: 'i32' }], outputs: [{ name: 'y', kind }],
      params: { total: 'u32', dims: { array: 'u32', length: rank }, strides: { array: 'u32', length: rank } },
      main: lines.join('\n'),
    }, [x, ids, y], { total: y.size, dims: indices.dims, strides: stridesOf(x.dims) }, y.size);
    disposeTensor(ids);
    return [y];
  };
}

function triluPlan(gpu: GpuContext, x: Tensor, k: number, upper: boolean): GpuJob | undefined {
  if (x.dims.length < 2) return undefined;
  return async () => {
    const y = allocTensor(gpu, x.type, x.dims);
    if (y.size === 0) return [y];
    const kind = kindOf(x, gpu);
    const [rows, cols] = x.dims.slice(-2);
    const keep = upper ? 'j - i >= P.k' : 'j - i <= P.k';
    const zero = { f32: 'y[gid] = 0.0;', f16: 'y[gid] = f16(0.0);', i32: 'y[gid] = 0;', u32: 'y[gid] = 0u;', i64: 'y[2u * gid] = 0; y[2u * gid + 1u] = 0;' }[kind];
    const main = `
  if (gid >= P.total) { return; }
  let j = i32(gid % P.cols);
  let i = i32((gid / P.cols) % P.rows);
  if (${keep}) { ${copyElement(kind === 'i64', 'gid', 'gid')} } else { ${zero} }`;
    await runFlat(gpu, {
      label: 'Trilu', inputs: [{ name: 'x', kind }], outputs: [{ name: 'y', kind }],
      params: { total: 'u32', rows: 'u32', cols: 'u32', k: 'i32' }, main,
    }, [x, y], { total: y.size, rows, cols, k: Math.max(-2147483648, Math.min(2147483647, k)) }, y.size);
    return [y];
  };
}

export const gatherKernels: KernelSpec<any>[] = [
  gpuKernel({
    op: 'Gather', since: 1, dtypes: GPU_STORABLE, attrs: { axis: attr.int(0) },
    plan: (inputs, a, { gpu }) => {
      const [x, indices] = [tensorAt(inputs, 0), tensorAt(inputs, 1)];
      return x && indices && INDEX_TYPES.includes(indices.type) ? gatherPlan(gpu, x, indices, a.axis) : undefined;
    },
  }),
  gpuKernel({
    op: 'GatherElements', since: 11, dtypes: GPU_STORABLE, attrs: { axis: attr.int(0) },
    plan: (inputs, a, { gpu }) => {
      const [x, indices] = [tensorAt(inputs, 0), tensorAt(inputs, 1)];
      return x && indices && INDEX_TYPES.includes(indices.type) ? gatherElementsPlan(gpu, x, indices, a.axis) : undefined;
    },
  }),
  gpuKernel({
    op: 'Trilu', since: 14, dtypes: GPU_STORABLE, attrs: { upper: attr.int(1) },
    plan: async (inputs, a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      const kTensor = tensorAt(inputs, 1);
      const k = kTensor ? (kTensor.size === 1 ? (await readInts(kTensor, gpu))?.[0] : undefined) : 0;
      return x && k !== undefined ? triluPlan(gpu, x, k, a.upper !== 0) : undefined;
    },
  }),
];
