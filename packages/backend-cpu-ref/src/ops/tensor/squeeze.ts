import { attr, defineKernel, type KernelInputs, type Tensor } from '@onnx-ts/core';
import { normalizeAxes, optionalTensor, readIntList, tensorInput } from './args.js';

/** Removes the listed axes (each must be 1), or every axis of size 1 when none are listed. */
function squeeze(x: Tensor, axes: readonly number[] | undefined): Tensor {
  if (axes === undefined) return x.reshape(x.dims.filter((d) => d !== 1));
  const drop = normalizeAxes('Squeeze', axes, x.dims.length);
  for (const a of drop) {
    if (x.dims[a] !== 1) throw new Error(`Squeeze: axis ${a} has size ${x.dims[a]}, expected 1`);
  }
  return x.reshape(x.dims.filter((_, i) => !drop.includes(i)));
}

function axesInput(inputs: KernelInputs): number[] | undefined {
  const t = optionalTensor('Squeeze', inputs, 1, 'axes');
  return t && readIntList('Squeeze', t, 'axes');
}

export default [
  defineKernel({
    op: 'Squeeze', since: 1, until: 12,
    attrs: { axes: attr.ints() },
    run: (inputs, { axes }) => [squeeze(tensorInput('Squeeze', inputs, 0, 'data'), axes)],
  }),
  defineKernel({
    op: 'Squeeze', since: 13,
    run: (inputs) => [squeeze(tensorInput('Squeeze', inputs, 0, 'data'), axesInput(inputs))],
  }),
];
