import { attr, defineKernel, normalizeAxis, type KernelInputs, type Tensor } from '@onnx-ts/core';
import { readInts, tensorInput } from './args.js';
import { elementOffsets } from './gather-elements.js';
import { startScatter } from './scatter-reduce.js';

/** Writes updates[p] into data at p's coordinates, with the index value on `axis`; repeated targets apply in order. */
function scatterElements(op: string, inputs: KernelInputs, axisIn: number, reduction: string): Tensor[] {
  const data = tensorInput(op, inputs, 0, 'data');
  const indices = tensorInput(op, inputs, 1, 'indices');
  const updates = tensorInput(op, inputs, 2, 'updates');
  const rank = data.dims.length;
  const axis = normalizeAxis(axisIn, rank);
  const sameShape = updates.dims.length === indices.dims.length && updates.dims.every((d, k) => d === indices.dims[k]);
  if (!sameShape) throw new Error(`${op}: 'updates' shape [${updates.dims.join(', ')}] differs from 'indices' [${indices.dims.join(', ')}]`);
  const fits = indices.dims.length === rank && indices.dims.every((d, k) => k === axis || d <= data.dims[k]);
  if (!fits) throw new Error(`${op}: indices of shape [${indices.dims.join(', ')}] do not fit data of shape [${data.dims.join(', ')}]`);
  const targets = elementOffsets(op, data.dims, indices.dims, axis, readInts(op, indices, 'indices'));
  const scatter = startScatter(op, data, updates, reduction);
  targets.forEach((target, p) => scatter.write(target, p));
  return [scatter.result()];
}

export default [
  // Scatter is the deprecated name of ScatterElements without reduction.
  defineKernel({
    op: 'Scatter', since: 9,
    attrs: { axis: attr.int(0) },
    run: (inputs, { axis }) => scatterElements('Scatter', inputs, axis, 'none'),
  }),
  defineKernel({
    op: 'ScatterElements', since: 11,
    attrs: { axis: attr.int(0), reduction: attr.string('none') },
    run: (inputs, { axis, reduction }) => scatterElements('ScatterElements', inputs, axis, reduction),
  }),
];
