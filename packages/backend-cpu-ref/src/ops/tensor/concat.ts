import { Tensor, allocData, attr, defineKernel, normalizeAxis, shapeSize, slotsPerElement, type KernelInputs } from '@onnx-ts/core';
import { tensorInput } from './args.js';
import { copyElements, storageOf, type Storage } from './layout.js';

/** Joins tensors of one type and rank along `axis`; every other dimension must match. */
export function concat(parts: readonly Tensor[], axisIn: number, op = 'Concat'): Tensor {
  if (parts.length === 0) throw new Error(`${op}: needs at least one input`);
  const [first] = parts;
  const rank = first.dims.length;
  if (rank === 0) throw new Error(`${op}: inputs must have rank >= 1, got a scalar`);
  const axis = normalizeAxis(axisIn, rank);
  const outDims = [...first.dims];
  outDims[axis] = 0;
  for (const [i, t] of parts.entries()) {
    if (t.type !== first.type) throw new Error(`${op}: input ${i} is ${t.type}, input 0 is ${first.type}`);
    const same = t.dims.length === rank && t.dims.every((d, k) => k === axis || d === first.dims[k]);
    if (!same) {
      throw new Error(`${op}: input ${i} has shape [${t.dims.join(', ')}], not concatenable with [${first.dims.join(', ')}] on axis ${axis}`);
    }
    outDims[axis] += t.dims[axis];
  }
  const slots = slotsPerElement(first.type);
  const out = allocData(first.type, shapeSize(outDims)) as unknown as Storage;
  const outer = shapeSize(first.dims.slice(0, axis));
  const inner = shapeSize(first.dims.slice(axis + 1));
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of parts) {
      const chunk = t.dims[axis] * inner;
      copyElements(out, at, storageOf(t), o * chunk, chunk, slots);
      at += chunk;
    }
  }
  return new Tensor(first.type, out as never, outDims);
}

const run = (inputs: KernelInputs, { axis }: { axis: number }): Tensor[] =>
  [concat(inputs.map((_, i) => tensorInput('Concat', inputs, i, `inputs[${i}]`)), axis)];

export default [
  defineKernel({ op: 'Concat', since: 1, until: 3, attrs: { axis: attr.int(1) }, run }),
  defineKernel({ op: 'Concat', since: 4, attrs: { axis: attr.int.required() }, run }),
];
