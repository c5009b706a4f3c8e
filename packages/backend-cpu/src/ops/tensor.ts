/**
 * Concat and Transpose of float32 tensors as block copies and strided loops within the WebAssembly memory, the ops that
 * only relabel dims sharing their input's block, and ConstantOfShape reusing its result across runs when its shape is a
 * model constant.
 */
import { Tensor, shapeSize, type KernelInputs, type Value } from '@onnx-ts/core';
import { withScratch, writeJob } from '../runtime/call.js';
import { isClaimedConstant, markDerivedConstant } from '../runtime/constants.js';
import { residentAddress } from '../runtime/resident.js';
import { wasmRuntime } from '../runtime/wasm.js';
import { accelerate, floatInput, sharingData, thenApply, wrapReference } from './accelerate.js';

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
  const chunks = parts.map((x) => shapeSize(x.dims.slice(at)));
  const row = chunks.reduce((n, c) => n + c, 0);
  return withScratch((scratch) => {
    const yAt = scratch.output(outer * row);
    const mem = wasmRuntime().f32();
    const sources = parts.map((x) => sourceOf(x, mem));
    for (let o = 0; o < outer; o++) {
      let offset = (yAt >> 2) + o * row;
      sources.forEach((src, i) => {
        copyRun(mem, offset, src, o * chunks[i], chunks[i]);
        offset += chunks[i];
      });
    }
    return [scratch.result(yAt, outDims)];
  });
}

/** Where a tensor's floats are read: the WebAssembly memory from `base` (resident) or its own array. */
interface Source {
  array: Float32Array;
  base: number;
}

function sourceOf(x: Tensor<'float32'>, mem: Float32Array): Source {
  const at = residentAddress(x);
  return at === undefined ? { array: x.data, base: 0 } : { array: mem, base: at >> 2 };
}

/** Copies `count` floats from element `from` of the source to element `to` of the memory (copyWithin allocates nothing). */
function copyRun(mem: Float32Array, to: number, src: Source, from: number, count: number): void {
  const start = src.base + from;
  if (src.array === mem) mem.copyWithin(to, start, start + count);
  else mem.set(src.array.subarray(start, start + count), to);
}

/**
 * Transpose: axes that stay neighbours in the same order merge first, so a channel shuffle ([N, g, C/g, H, W] with
 * perm [0, 2, 1, 3, 4]) becomes a copy of H·W blocks; the WebAssembly kernel then walks the output in order with an
 * odometer over input strides.
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
  if (x.size === 0) return undefined;
  return withScratch((scratch) => {
    const xAt = scratch.tensor(x);
    const yAt = scratch.output(x.size);
    // Axis sizes, input strides, and room for the kernel's counters.
    const shape = writeJob([...dims, ...strides, ...dims.map(() => 0)]);
    wasmRuntime().exports.permute(yAt, xAt, dims.length, shape);
    return [scratch.result(yAt, outDims)];
  });
}

/**
 * ConstantOfShape of a model constant's shape (models that generate their weights this way) gives the same tensor every
 * run: computed once per shape and node (keyed by the node's attribute object, which the session reads once per node
 * and keeps), it counts as a model constant itself, so weights made this way are packed once per session. (A caller
 * that writes into such a tensor when it is a graph output would see the change in later runs.)
 */
const fromConstantShape = new WeakMap<Tensor, WeakMap<object, Value>>();

export default [
  ...accelerate('Concat', (inputs, a) => concat(inputs, a.axis)),
  ...accelerate('Transpose', (inputs, a) => transpose(inputs, a.perm)),
  ...['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout'].flatMap(sharingData),
  ...wrapReference('ConstantOfShape', (inputs, attrs, _ctx, run) => {
    const shape = inputs[0];
    if (!(shape instanceof Tensor) || !isClaimedConstant(shape)) return run();
    let byNode = fromConstantShape.get(shape);
    if (!byNode) fromConstantShape.set(shape, (byNode = new WeakMap()));
    const known = byNode.get(attrs);
    if (known) return [known];
    return thenApply(run(), (outputs) => {
      const [value] = outputs;
      if (value instanceof Tensor) markDerivedConstant(value);
      byNode.set(attrs, value);
      return outputs;
    });
  }),
];
