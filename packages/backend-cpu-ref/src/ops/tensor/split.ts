import { attr, defineKernel, normalizeAxis, type KernelContext, type Tensor } from '@onnx-ts/core';
import { optionalTensor, readIntList, tensorInput } from './args.js';
import { toNumbers } from '../../util/elementwise.js';
import { narrow } from './layout.js';

/**
 * Splits `x` along `axis` into parts of the given sizes; without sizes into `numOutputs` chunks of ceil(dim / n)
 * (the last smaller) when given, else into one equal part per declared output.
 */
function split(x: Tensor, axisIn: number, sizesIn: number[] | undefined, ctx: KernelContext, numOutputs?: number): Tensor[] {
  const axis = normalizeAxis(axisIn, x.dims.length);
  const d = x.dims[axis];
  const n = ctx.outputCount;
  let sizes: number[];
  if (sizesIn) {
    sizes = sizesIn;
  } else if (numOutputs !== undefined) {
    if (numOutputs !== n) throw new Error(`Split: num_outputs is ${numOutputs} but the node has ${n} outputs`);
    const chunk = Math.ceil(d / n);
    sizes = Array.from({ length: n }, (_, i) => Math.min(chunk, d - i * chunk));
    if (sizes[n - 1] < 0) throw new Error(`Split: a dimension of ${d} cannot be split into ${n} chunks of ${chunk}`);
  } else {
    if (d % n !== 0) throw new Error(`Split: a dimension of ${d} does not split evenly into ${n} outputs`);
    sizes = new Array<number>(n).fill(d / n);
  }
  if (sizes.length !== n) throw new Error(`Split: 'split' has ${sizes.length} sizes but the node has ${n} outputs`);
  if (sizes.some((s) => s < 0) || sizes.reduce((a, b) => a + b, 0) !== d) {
    throw new Error(`Split: sizes [${sizes.join(', ')}] do not add up to the dimension ${d} of axis ${axis}`);
  }
  let start = 0;
  return sizes.map((s) => {
    const part = narrow(x, axis, start, s);
    start += s;
    return part;
  });
}

export default [
  defineKernel({
    op: 'Split', since: 1, until: 12,
    attrs: { axis: attr.int(0), split: attr.ints() },
    run: (inputs, { axis, split: sizes }, ctx) => {
      // Opset 1 could also take the sizes as a second input (of the data's type).
      const sizesInput = optionalTensor('Split', inputs, 1, 'split');
      const fromInput = sizesInput && Array.from(toNumbers(sizesInput));
      return split(tensorInput('Split', inputs, 0, 'input'), axis, fromInput ?? sizes, ctx);
    },
  }),
  defineKernel({
    op: 'Split', since: 13,
    attrs: { axis: attr.int(0), num_outputs: attr.int() },
    run: (inputs, { axis, num_outputs }, ctx) => {
      const sizesInput = optionalTensor('Split', inputs, 1, 'split');
      if (sizesInput && num_outputs !== undefined) throw new Error(`Split: give either input 'split' or num_outputs, not both`);
      const sizes = sizesInput && readIntList('Split', sizesInput, 'split');
      return split(tensorInput('Split', inputs, 0, 'input'), axis, sizes, ctx, num_outputs);
    },
  }),
];
