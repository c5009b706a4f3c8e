/**
 * Ops that only change dims or read them: Reshape, Flatten, Squeeze, Unsqueeze, Identity and inference-mode Dropout
 * return a tensor sharing the input's buffer; Shape and Size return small CPU tensors without touching the data.
 * Output dims that cannot be formed (a bad shape, an axis out of range) make the node run on cpu-ref, whose Error
 * names the problem.
 */
import { Tensor, attr, shapeSize, type AttrSchema, type AttrValues, type DType, type KernelInputs, type KernelSpec } from '@onnx-ts/core';
import type { GpuContext } from '../../context.js';
import { gpuKernel, type GpuJob } from '../../define.js';
import { allocTensor, reshaped } from '../../tensors.js';
import { fillTensor } from './copy.js';
import { axesIn, readInts, tensorAt } from '../args.js';

/** Types whose tensors can live on the GPU, which the data-moving kernels accept. */
export const GPU_STORABLE: readonly DType[] = ['float32', 'float16', 'int32', 'int16', 'int8', 'uint32', 'uint16', 'uint8', 'bool', 'int64'];

/** Reshape's target dims: 0 copies the input dim (unless allowzero), one -1 takes what is left. */
function reshapeDims(input: readonly number[], shape: readonly number[], allowZero: boolean): number[] | undefined {
  let inferred = -1;
  const dims = shape.map((d, i) => {
    if (d === 0 && !allowZero) return input[i];
    if (d === -1) {
      if (inferred >= 0) inferred = Infinity;
      else inferred = i;
      return 1;
    }
    return d;
  });
  if (inferred === Infinity || dims.some((d) => d === undefined || !Number.isInteger(d) || d < 0)) return undefined;
  const total = shapeSize(input);
  const known = shapeSize(dims);
  if (inferred >= 0) {
    if (known === 0 || total % known !== 0) return undefined;
    dims[inferred] = total / known;
  }
  return shapeSize(dims) === total ? dims : undefined;
}

/** A kernel whose output is its input with other dims; `dimsFor` is undefined when the node is invalid. */
function viewKernel<S extends AttrSchema>(
  op: string, since: number, until: number | undefined, attrs: S | undefined,
  dimsFor: (inputs: KernelInputs, a: AttrValues<S>, gpu: GpuContext) => Promise<number[] | undefined> | number[] | undefined,
  dtypes: readonly DType[] = GPU_STORABLE,
): KernelSpec<any> {
  return gpuKernel<S>({
    op, since, until, dtypes, attrs,
    supports: async (inputs, a, { gpu }) => (await dimsFor(inputs, a, gpu)) !== undefined,
    run: async (inputs, a, { gpu }) => [reshaped(tensorAt(inputs, 0)!, (await dimsFor(inputs, a, gpu))!)],
  });
}

const squeezed = (dims: readonly number[], axes: readonly number[] | undefined): number[] | undefined => {
  if (axes === undefined) return dims.filter((d) => d !== 1);
  const norm = axesIn(axes, dims.length);
  if (!norm || norm.some((a) => dims[a] !== 1)) return undefined;
  return dims.filter((_, i) => !norm.includes(i));
};

const unsqueezed = (dims: readonly number[], axes: readonly number[]): number[] | undefined => {
  const rank = dims.length + axes.length;
  const norm = axesIn(axes, rank);
  if (!norm) return undefined;
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) out.push(norm.includes(i) ? 1 : dims[next++]);
  return out;
};

/** Axes from an optional int64 input (opset 13 forms), or undefined input → undefined. */
async function axesInput(inputs: KernelInputs, gpu: GpuContext): Promise<number[] | undefined | null> {
  const t = tensorAt(inputs, 1);
  if (!t) return undefined;
  return (await readInts(t, gpu)) ?? null;
}

/** Dropout at inference: the input unchanged, and a mask of all true when asked for. */
function inferenceDropout(gpu: GpuContext, x: Tensor, mask: boolean): GpuJob {
  return async () => {
    const y = reshaped(x, x.dims);
    if (!mask) return [y];
    const m = allocTensor(gpu, 'bool', x.dims);
    if (m.size > 0) await fillTensor(gpu, m, new Tensor('bool', Uint8Array.of(1), []));
    return [y, m];
  };
}

export const metadataKernels: KernelSpec<any>[] = [
  viewKernel('Reshape', 1, 4, { shape: attr.ints.required() }, (inputs, a) => {
    const x = tensorAt(inputs, 0);
    return x && reshapeDims(x.dims, a.shape, false);
  }),
  viewKernel('Reshape', 5, undefined, { allowzero: attr.int(0) }, async (inputs, a, gpu) => {
    const [x, s] = [tensorAt(inputs, 0), tensorAt(inputs, 1)];
    const shape = s && s.dims.length === 1 ? await readInts(s, gpu) : undefined;
    return x && shape && reshapeDims(x.dims, shape, a.allowzero !== 0);
  }),
  viewKernel('Flatten', 1, undefined, { axis: attr.int(1) }, (inputs, a) => {
    const x = tensorAt(inputs, 0);
    if (!x) return undefined;
    const r = x.dims.length;
    if (!Number.isInteger(a.axis) || a.axis < -r || a.axis > r) return undefined;
    const axis = a.axis < 0 ? a.axis + r : a.axis;
    return [shapeSize(x.dims.slice(0, axis)), shapeSize(x.dims.slice(axis))];
  }),
  viewKernel('Squeeze', 1, 12, { axes: attr.ints() }, (inputs, a) => {
    const x = tensorAt(inputs, 0);
    return x && squeezed(x.dims, a.axes);
  }),
  viewKernel('Squeeze', 13, undefined, {}, async (inputs, _a, gpu) => {
    const x = tensorAt(inputs, 0);
    const axes = await axesInput(inputs, gpu);
    return x && axes !== null ? squeezed(x.dims, axes) : undefined;
  }),
  viewKernel('Unsqueeze', 1, 12, { axes: attr.ints.required() }, (inputs, a) => {
    const x = tensorAt(inputs, 0);
    return x && unsqueezed(x.dims, a.axes);
  }),
  viewKernel('Unsqueeze', 13, undefined, {}, async (inputs, _a, gpu) => {
    const x = tensorAt(inputs, 0);
    const axes = await axesInput(inputs, gpu);
    return x && axes ? unsqueezed(x.dims, axes) : undefined;
  }),
  viewKernel('Identity', 1, undefined, {}, (inputs) => tensorAt(inputs, 0)?.dims.slice()),
  gpuKernel({
    op: 'Dropout', since: 1, until: 11, dtypes: ['float32', 'float16'],
    plan: (inputs, _a, { gpu, outputUsed }) => {
      const x = tensorAt(inputs, 0);
      return x && inferenceDropout(gpu, x, outputUsed[1] === true);
    },
  }),
  gpuKernel({
    op: 'Dropout', since: 12, dtypes: ['float32', 'float16'], attrs: { seed: attr.int() },
    plan: async (inputs, _a, { gpu, outputUsed }) => {
      const x = tensorAt(inputs, 0);
      const training = tensorAt(inputs, 2);
      const flag = training && training.type === 'bool' && training.size === 1 ? await readInts(training, gpu) : [0];
      return x && !(training && flag?.[0] !== 0) ? inferenceDropout(gpu, x, outputUsed[1] === true) : undefined;
    },
  }),
  gpuKernel({
    op: 'Shape', since: 1, dtypes: GPU_STORABLE, attrs: { start: attr.int(0), end: attr.int() },
    supports: (inputs) => tensorAt(inputs, 0) !== undefined,
    run: (inputs, a) => {
      const dims = tensorAt(inputs, 0)!.dims;
      const r = dims.length;
      const clamp = (v: number): number => Math.min(r, Math.max(0, v < 0 ? v + r : v));
      const picked = dims.slice(clamp(a.start), a.end === undefined ? r : clamp(a.end));
      return [new Tensor('int64', BigInt64Array.from(picked, BigInt), [picked.length])];
    },
  }),
  gpuKernel({
    op: 'Size', since: 1, dtypes: GPU_STORABLE,
    supports: (inputs) => tensorAt(inputs, 0) !== undefined,
    run: (inputs) => [new Tensor('int64', BigInt64Array.of(BigInt(tensorAt(inputs, 0)!.size)), [])],
  }),
];
