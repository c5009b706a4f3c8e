/**
 * Tensor ops that move elements without computing on them, each one or more affine copies (copy.ts) or a fill:
 * ConstantOfShape, Transpose, Concat, Slice, Split, Expand, Tile, DepthToSpace, SpaceToDepth, Pad (constant mode).
 * The shape-like inputs (shapes, starts, pads) are read on the CPU; what cannot be planned runs on cpu-ref.
 */
import { Tensor, attr, broadcastShapes, stridesOf, type KernelInputs, type KernelSpec } from '@onnx-ts/core';
import type { GpuContext } from '../../context.js';
import { gpuKernel, type GpuJob } from '../../define.js';
import { storageKind } from '../../storage.js';
import { allocTensor, downloadTensor } from '../../tensors.js';
import { axesIn, axisIn, readInts, tensorAt } from '../args.js';
import { affineCopy, fillTensor } from './copy.js';
import { GPU_STORABLE } from './metadata.js';

const ones = (n: number): number[] => new Array<number>(n).fill(1);

/** A job copying all of `x` through a permutation of its dims given as (dims, src strides) of the output walk. */
function permuted(gpu: GpuContext, x: Tensor, outDims: readonly number[], walkDims: readonly number[], srcStrides: readonly number[]): GpuJob {
  return async () => {
    const y = allocTensor(gpu, x.type, outDims);
    await affineCopy(gpu, x, y, { dims: walkDims, srcBase: 0, srcStrides, dstBase: 0, dstStrides: stridesOf(walkDims) });
    return [y];
  };
}

function transposePlan(gpu: GpuContext, x: Tensor, perm: readonly number[] | undefined): GpuJob | undefined {
  const rank = x.dims.length;
  const p = perm ?? x.dims.map((_, i) => rank - 1 - i);
  if (p.length !== rank || !axesIn(p, rank) || p.some((a) => a < 0)) return undefined;
  const strides = stridesOf(x.dims);
  const outDims = p.map((a) => x.dims[a]);
  return permuted(gpu, x, outDims, outDims, p.map((a) => strides[a]));
}

function concatPlan(gpu: GpuContext, inputs: KernelInputs, axisAttr: number): GpuJob | undefined {
  const xs = inputs.map((v) => tensorAt([v], 0));
  if (!xs.length || xs.some((t) => !t)) return undefined;
  const ts = xs as Tensor[];
  const first = ts[0];
  const rank = first.dims.length;
  const axis = axisIn(axisAttr, rank);
  if (axis === undefined) return undefined;
  const same = ts.every((t) => t.type === first.type && t.dims.length === rank && t.dims.every((d, i) => i === axis || d === first.dims[i]));
  if (!same) return undefined;
  const outDims = [...first.dims];
  outDims[axis] = ts.reduce((sum, t) => sum + t.dims[axis], 0);
  return async () => {
    const y = allocTensor(gpu, first.type, outDims);
    const outStrides = stridesOf(outDims);
    let offset = 0;
    for (const t of ts) {
      await affineCopy(gpu, t, y, { dims: t.dims, srcBase: 0, srcStrides: stridesOf(t.dims), dstBase: offset * outStrides[axis], dstStrides: outStrides });
      offset += t.dims[axis];
    }
    return [y];
  };
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Slice's output walk (ONNX clamping rules), or undefined for invalid starts/ends/axes/steps. */
function slicePlan(gpu: GpuContext, x: Tensor, starts: number[], ends: number[], axesGiven?: number[], stepsGiven?: number[]): GpuJob | undefined {
  const rank = x.dims.length;
  const axes = axesIn(axesGiven ?? starts.map((_, i) => i), rank);
  const steps = stepsGiven ?? starts.map(() => 1);
  if (!axes || ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length || steps.includes(0)) return undefined;
  const strides = stridesOf(x.dims);
  const dims = [...x.dims];
  const walkStrides = [...strides];
  let base = 0;
  axes.forEach((axis, i) => {
    const d = x.dims[axis];
    const step = steps[i];
    let start = starts[i] < 0 ? starts[i] + d : starts[i];
    let end = ends[i] < 0 ? ends[i] + d : ends[i];
    if (step > 0) {
      start = clamp(start, 0, d);
      end = clamp(end, 0, d);
      dims[axis] = Math.max(0, Math.ceil((end - start) / step));
    } else {
      start = clamp(start, 0, d - 1);
      end = clamp(end, -1, d - 1);
      dims[axis] = Math.max(0, Math.ceil((start - end) / -step));
    }
    if (dims[axis] > 0) base += start * strides[axis];
    walkStrides[axis] = step * strides[axis];
  });
  return async () => {
    const y = allocTensor(gpu, x.type, dims);
    await affineCopy(gpu, x, y, { dims, srcBase: base, srcStrides: walkStrides, dstBase: 0, dstStrides: stridesOf(dims) });
    return [y];
  };
}

function splitPlan(gpu: GpuContext, x: Tensor, axisAttr: number, sizesGiven: number[] | undefined, outputs: number, numOutputs?: number): GpuJob | undefined {
  const axis = axisIn(axisAttr, x.dims.length);
  if (axis === undefined) return undefined;
  const d = x.dims[axis];
  let sizes: number[];
  if (sizesGiven) sizes = sizesGiven;
  else if (numOutputs !== undefined) {
    if (numOutputs !== outputs) return undefined;
    const chunk = Math.ceil(d / outputs);
    sizes = Array.from({ length: outputs }, (_, i) => Math.min(chunk, d - i * chunk));
  } else {
    if (d % outputs !== 0) return undefined;
    sizes = ones(outputs).map(() => d / outputs);
  }
  if (sizes.length !== outputs || sizes.some((s) => s < 0) || sizes.reduce((a, b) => a + b, 0) !== d) return undefined;
  return async () => {
    const strides = stridesOf(x.dims);
    let start = 0;
    const out: Tensor[] = [];
    for (const s of sizes) {
      const dims = x.dims.map((n, i) => (i === axis ? s : n));
      const y = allocTensor(gpu, x.type, dims);
      await affineCopy(gpu, x, y, { dims, srcBase: start * strides[axis], srcStrides: strides, dstBase: 0, dstStrides: stridesOf(dims) });
      start += s;
      out.push(y);
    }
    return out;
  };
}

/** Strides of `x` seen with `rank` dims (leading dims added), 0 along dims of 1 so they repeat. */
function repeatingStrides(x: Tensor, rank: number): number[] {
  const own = stridesOf(x.dims);
  const lead = rank - x.dims.length;
  return ones(rank).map((_, d) => (d < lead || x.dims[d - lead] === 1 ? 0 : own[d - lead]));
}

function expandPlan(gpu: GpuContext, x: Tensor, shape: number[]): GpuJob | undefined {
  let outDims: number[];
  try {
    outDims = broadcastShapes(x.dims, shape);
  } catch {
    return undefined;
  }
  return permuted(gpu, x, outDims, outDims, repeatingStrides(x, outDims.length));
}

function tilePlan(gpu: GpuContext, x: Tensor, repeats: number[]): GpuJob | undefined {
  if (repeats.length !== x.dims.length || repeats.some((r) => !Number.isInteger(r) || r < 0)) return undefined;
  const strides = stridesOf(x.dims);
  // Each axis d becomes (repeat, dim): the repeat walks with stride 0.
  const walk = x.dims.flatMap((n, d) => [repeats[d], n]);
  const src = x.dims.flatMap((_, d) => [0, strides[d]]);
  return permuted(gpu, x, x.dims.map((n, d) => n * repeats[d]), walk, src);
}

/** DepthToSpace (DCR or CRD) and SpaceToDepth as one 6-D walk each. */
function depthSpacePlan(gpu: GpuContext, x: Tensor, b: number, mode: 'DCR' | 'CRD' | 'S2D'): GpuJob | undefined {
  if (x.dims.length !== 4 || !(b >= 1)) return undefined;
  const [n, c, h, w] = x.dims;
  if (mode === 'S2D') {
    if (h % b !== 0 || w % b !== 0) return undefined;
    // x as [n, c, h/b, b, w/b, b] → [n, b, b, c, h/b, w/b].
    const s = stridesOf([n, c, h / b, b, w / b, b]);
    return permuted(gpu, x, [n, c * b * b, h / b, w / b], [n, b, b, c, h / b, w / b], [s[0], s[3], s[5], s[1], s[2], s[4]]);
  }
  if (c % (b * b) !== 0) return undefined;
  const cOut = c / (b * b);
  if (mode === 'DCR') {
    // x as [n, b, b, cOut, h, w] → [n, cOut, h, b, w, b].
    const s = stridesOf([n, b, b, cOut, h, w]);
    return permuted(gpu, x, [n, cOut, h * b, w * b], [n, cOut, h, b, w, b], [s[0], s[3], s[4], s[1], s[5], s[2]]);
  }
  // CRD: x as [n, cOut, b, b, h, w] → [n, cOut, h, b, w, b].
  const s = stridesOf([n, cOut, b, b, h, w]);
  return permuted(gpu, x, [n, cOut, h * b, w * b], [n, cOut, h, b, w, b], [s[0], s[1], s[4], s[2], s[5], s[3]]);
}

/** Constant padding: fill with the value (a one-element tensor of x's type), then copy the input, cropped by negative pads. */
function padPlan(gpu: GpuContext, x: Tensor, pads: number[], value: Tensor): GpuJob | undefined {
  const rank = x.dims.length;
  if (pads.length !== 2 * rank) return undefined;
  const outDims = x.dims.map((d, i) => d + pads[i] + pads[i + rank]);
  if (outDims.some((d) => d < 0)) return undefined;
  return async () => {
    const y = allocTensor(gpu, x.type, outDims);
    if (y.size === 0) return [y];
    await fillTensor(gpu, y, value);
    const inStrides = stridesOf(x.dims);
    const outStrides = stridesOf(outDims);
    const dims = x.dims.map((d, i) => d + Math.min(0, pads[i]) + Math.min(0, pads[i + rank]));
    if (dims.every((d) => d > 0)) {
      const srcBase = x.dims.reduce((acc, _, i) => acc + Math.max(0, -pads[i]) * inStrides[i], 0);
      const dstBase = x.dims.reduce((acc, _, i) => acc + Math.max(0, pads[i]) * outStrides[i], 0);
      await affineCopy(gpu, x, y, { dims, srcBase, srcStrides: inStrides, dstBase, dstStrides: outStrides });
    }
    return [y];
  };
}

async function intsAt(inputs: KernelInputs, i: number, gpu: GpuContext): Promise<number[] | undefined> {
  const t = tensorAt(inputs, i);
  return t && t.dims.length <= 1 ? readInts(t, gpu) : undefined;
}

export const movementKernels: KernelSpec<any>[] = [
  gpuKernel({
    op: 'ConstantOfShape', since: 9, dtypes: ['int64'], attrs: { value: attr.tensor() },
    plan: async (inputs, a, { gpu }) => {
      const value = a.value ?? new Tensor('float32', Float32Array.of(0), [1]);
      const shape = await intsAt(inputs, 0, gpu);
      if (!shape || value.size !== 1 || shape.some((d) => !Number.isInteger(d) || d < 0) || !storageKind(value.type, gpu.hasF16)) return undefined;
      return async () => {
        const y = allocTensor(gpu, value.type, shape);
        if (y.size > 0) await fillTensor(gpu, y, value);
        return [y];
      };
    },
  }),
  gpuKernel({
    op: 'Transpose', since: 1, dtypes: GPU_STORABLE, attrs: { perm: attr.ints() },
    plan: (inputs, a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      return x && transposePlan(gpu, x, a.perm);
    },
  }),
  gpuKernel({ op: 'Concat', since: 1, until: 3, dtypes: GPU_STORABLE, attrs: { axis: attr.int(1) }, plan: (inputs, a, { gpu }) => concatPlan(gpu, inputs, a.axis) }),
  gpuKernel({ op: 'Concat', since: 4, dtypes: GPU_STORABLE, attrs: { axis: attr.int.required() }, plan: (inputs, a, { gpu }) => concatPlan(gpu, inputs, a.axis) }),
  gpuKernel({
    op: 'Slice', since: 1, until: 9, dtypes: GPU_STORABLE, attrs: { starts: attr.ints.required(), ends: attr.ints.required(), axes: attr.ints() },
    plan: (inputs, a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      return x && slicePlan(gpu, x, a.starts, a.ends, a.axes);
    },
  }),
  gpuKernel({
    op: 'Slice', since: 10, dtypes: GPU_STORABLE,
    plan: async (inputs, _a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      const [starts, ends] = [await intsAt(inputs, 1, gpu), await intsAt(inputs, 2, gpu)];
      const axes = tensorAt(inputs, 3) ? await intsAt(inputs, 3, gpu) : undefined;
      const steps = tensorAt(inputs, 4) ? await intsAt(inputs, 4, gpu) : undefined;
      if ((tensorAt(inputs, 3) && !axes) || (tensorAt(inputs, 4) && !steps)) return undefined;
      return x && starts && ends ? slicePlan(gpu, x, starts, ends, axes, steps) : undefined;
    },
  }),
  gpuKernel({
    op: 'Split', since: 1, until: 12, dtypes: GPU_STORABLE, attrs: { axis: attr.int(0), split: attr.ints() },
    plan: (inputs, a, { gpu, outputCount }) => {
      const x = tensorAt(inputs, 0);
      return x && !tensorAt(inputs, 1) ? splitPlan(gpu, x, a.axis, a.split, outputCount) : undefined;
    },
  }),
  gpuKernel({
    op: 'Split', since: 13, dtypes: GPU_STORABLE, attrs: { axis: attr.int(0), num_outputs: attr.int() },
    plan: async (inputs, a, { gpu, outputCount }) => {
      const x = tensorAt(inputs, 0);
      const given = tensorAt(inputs, 1);
      const sizes = given ? await intsAt(inputs, 1, gpu) : undefined;
      if (!x || (given && (!sizes || a.num_outputs !== undefined))) return undefined;
      return splitPlan(gpu, x, a.axis, sizes, outputCount, a.num_outputs);
    },
  }),
  gpuKernel({
    op: 'Expand', since: 8, dtypes: GPU_STORABLE,
    plan: async (inputs, _a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      const shape = await intsAt(inputs, 1, gpu);
      return x && shape && shape.every((d) => Number.isInteger(d) && d >= 0) ? expandPlan(gpu, x, shape) : undefined;
    },
  }),
  gpuKernel({
    op: 'Tile', since: 6, dtypes: GPU_STORABLE,
    plan: async (inputs, _a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      const repeats = await intsAt(inputs, 1, gpu);
      return x && repeats ? tilePlan(gpu, x, repeats) : undefined;
    },
  }),
  gpuKernel({
    op: 'DepthToSpace', since: 1, dtypes: GPU_STORABLE, attrs: { blocksize: attr.int.required(), mode: attr.string('DCR') },
    plan: (inputs, a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      return x && (a.mode === 'DCR' || a.mode === 'CRD') ? depthSpacePlan(gpu, x, a.blocksize, a.mode) : undefined;
    },
  }),
  gpuKernel({
    op: 'SpaceToDepth', since: 1, dtypes: GPU_STORABLE, attrs: { blocksize: attr.int.required() },
    plan: (inputs, a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      return x && depthSpacePlan(gpu, x, a.blocksize, 'S2D');
    },
  }),
  gpuKernel({
    op: 'Pad', since: 11, dtypes: GPU_STORABLE, attrs: { mode: attr.string('constant') },
    plan: async (inputs, a, { gpu }) => {
      const x = tensorAt(inputs, 0);
      const pads = await intsAt(inputs, 1, gpu);
      const given = tensorAt(inputs, 2);
      if (!x || !pads || a.mode !== 'constant' || tensorAt(inputs, 3) || (given && (given.type !== x.type || given.size !== 1))) return undefined;
      const value = given ? (await downloadTensor(given, gpu)).reshape([]) : Tensor.zeros(x.type, []);
      return padPlan(gpu, x, pads, value);
    },
  }),
];
