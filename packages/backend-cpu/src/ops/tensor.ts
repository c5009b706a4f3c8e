/**
 * Concat and Transpose of float32 tensors as block copies and strided loops, and ConstantOfShape reusing its (constant)
 * result across runs.
 */
import { shapeSize, type KernelInputs, type Tensor, type Value } from '@onnx-ts/core';
import { accelerate, floatInput, floatTensor, wrapReference } from './accelerate.js';

function concat(inputs: KernelInputs, axis: number): Value[] | undefined {
  const xs = inputs.map((_, i) => floatInput(inputs, i));
  const first = xs[0];
  if (!first || xs.some((x) => !x)) return undefined;
  const rank = first.dims.length;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) return undefined;
  const at = axis < 0 ? axis + rank : axis;
  const parts = xs as Tensor<'float32'>[];
  if (parts.some((x) => x.dims.length !== rank || x.dims.some((d, i) => i !== at && d !== first.dims[i]))) return undefined;
  const outDims = [...first.dims];
  outDims[at] = parts.reduce((n, x) => n + x.dims[at], 0);
  const outer = shapeSize(first.dims.slice(0, at));
  const out = new Float32Array(shapeSize(outDims));
  const chunks = parts.map((x) => shapeSize(x.dims.slice(at)));
  const row = chunks.reduce((n, c) => n + c, 0);
  for (let o = 0; o < outer; o++) {
    let offset = o * row;
    parts.forEach((x, i) => {
      out.set(x.data.subarray(o * chunks[i], (o + 1) * chunks[i]), offset);
      offset += chunks[i];
    });
  }
  return [floatTensor(out, outDims)];
}

/**
 * Transpose: axes that stay neighbours in the same order merge first, so a channel shuffle ([N, g, C/g, H, W] with
 * perm [0, 2, 1, 3, 4]) becomes a copy of H·W blocks; the rest walks the output in order with an odometer over input
 * strides.
 */
function transpose(inputs: KernelInputs, perm: number[] | undefined): Value[] | undefined {
  const x = floatInput(inputs, 0);
  if (!x) return undefined;
  const rank = x.dims.length;
  const order = perm ?? x.dims.map((_, i) => rank - 1 - i);
  if (order.length !== rank || new Set(order).size !== rank || order.some((a) => !Number.isInteger(a) || a < 0 || a >= rank)) return undefined;
  const outDims = order.map((a) => x.dims[a]);
  // Merge output axes i-1, i when they read neighbouring input axes in order.
  const dims: number[] = [];
  const axes: number[][] = [];
  for (const a of order) {
    const last = axes[axes.length - 1];
    if (last && last[last.length - 1] === a - 1) {
      last.push(a);
      dims[dims.length - 1] *= x.dims[a];
    } else {
      axes.push([a]);
      dims.push(x.dims[a]);
    }
  }
  const inStrideOf = (a: number): number => shapeSize(x.dims.slice(a + 1));
  const strides = axes.map((group) => inStrideOf(group[group.length - 1]));
  const out = new Float32Array(x.size);
  if (x.size === 0) return [floatTensor(out, outDims)];
  const src = x.data;
  const depth = dims.length;
  const inner = dims[depth - 1];
  const innerStride = strides[depth - 1];
  const index = new Array<number>(depth).fill(0);
  let from = 0;
  for (let at = 0; at < out.length; at += inner) {
    if (innerStride === 1) out.set(src.subarray(from, from + inner), at);
    else for (let i = 0; i < inner; i++) out[at + i] = src[from + i * innerStride];
    for (let d = depth - 2; d >= 0; d--) {
      from += strides[d];
      if (++index[d] < dims[d]) break;
      from -= strides[d] * dims[d];
      index[d] = 0;
    }
  }
  return [floatTensor(out, outDims)];
}

/**
 * ConstantOfShape's output depends only on its attribute and the shape, so a node hands back the tensor of its last
 * run when the shape is unchanged: weights generated this way keep their identity, and with it their packed form.
 * Keyed by the node's attribute object, which the session reads once per node and keeps for its lifetime. (A caller
 * that writes into such a tensor when it is a graph output would see the change in later runs.)
 */
const lastOutput = new WeakMap<object, { shape: string; value: Value }>();

export default [
  ...accelerate('Concat', (inputs, a) => concat(inputs, a.axis)),
  ...accelerate('Transpose', (inputs, a) => transpose(inputs, a.perm)),
  ...wrapReference('ConstantOfShape', async (inputs, attrs, _ctx, run) => {
    const shape = inputs[0];
    const key = shape && 'data' in (shape as object) ? String((shape as Tensor).data) : undefined;
    const last = lastOutput.get(attrs);
    if (key !== undefined && last?.shape === key) return [last.value];
    const [value] = await run();
    if (key !== undefined) lastOutput.set(attrs, { shape: key, value });
    return [value];
  }),
];
