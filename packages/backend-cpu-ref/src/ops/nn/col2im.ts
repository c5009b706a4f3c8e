import { NUMERIC_DTYPES, attr, defineKernel, shapeSize, type Tensor } from '@onnx-ts/core';
import { numericKind } from '../../util/elementwise.js';
import { allocNumeric, arithFor, numericTensor, readNumeric, type Arith, type Buffer } from '../reduce/numeric.js';
import { readShape, tensorInput } from '../tensor/args.js';
import { columnTargets, slidingWindow, type Window } from './window.js';

/** Adds the column blocks of every image into its planes, in the element type's own arithmetic. */
function scatter<T>(
  arith: Arith<T>, input: ArrayLike<T>, out: Buffer<T>, targets: Int32Array, batch: number, imageElements: number,
): void {
  for (let n = 0; n < batch; n++) {
    const src = n * targets.length;
    const dst = n * imageElements;
    for (let e = 0; e < targets.length; e++) {
      if (targets[e] >= 0) out[dst + targets[e]] = arith.add(out[dst + targets[e]], input[src + e]);
    }
  }
}

function col2imShape(
  input: Tensor, image: number[], block: number[], a: { dilations?: number[]; pads?: number[]; strides?: number[] },
): [Window, number] {
  const op = 'Col2Im';
  if (input.dims.length !== 3) throw new Error(`${op}: input must be [N, C·block, L], got [${input.dims.join(', ')}]`);
  if (image.length !== block.length) {
    throw new Error(`${op}: image_shape [${image.join(', ')}] and block_shape [${block.join(', ')}] must have the same length`);
  }
  const blockSize = shapeSize(block);
  if (blockSize === 0 || input.dims[1] % blockSize !== 0) {
    throw new Error(`${op}: input dim 1 (${input.dims[1]}) must be a multiple of the block size ${blockSize}`);
  }
  const window = slidingWindow(op, image, block, { auto_pad: 'NOTSET', ...a });
  if (shapeSize(window.grid) !== input.dims[2]) {
    throw new Error(`${op}: input has ${input.dims[2]} blocks but the image and attributes give [${window.grid.join(', ')}]`);
  }
  return [window, input.dims[1] / blockSize];
}

/**
 * Col2Im: the inverse of an unfold. Input [N, C·prod(block_shape), L] holds L blocks per image, enumerated
 * row-major over the block grid; overlapping block elements add up in the [N, C, image_shape...] output.
 */
export default [
  defineKernel({
    op: 'Col2Im', since: 18, dtypes: NUMERIC_DTYPES,
    attrs: { dilations: attr.ints(), pads: attr.ints(), strides: attr.ints() },
    run: (inputs, a, ctx) => {
      const input = tensorInput('Col2Im', inputs, 0, 'input');
      const image = readShape('Col2Im', tensorInput('Col2Im', inputs, 1, 'image_shape'), 'image_shape');
      const block = readShape('Col2Im', tensorInput('Col2Im', inputs, 2, 'block_shape'), 'block_shape');
      const [window, channels] = col2imShape(input, image, block, a);
      const batch = input.dims[0];
      const imageElements = channels * shapeSize(image);
      ctx.checkAllocation(input.type, batch * imageElements);
      const targets = columnTargets(channels, window);
      const values = readNumeric(input).values;
      const out = allocNumeric(input.type, batch * imageElements);
      if (numericKind(input.type) === 'bigint') {
        scatter(arithFor('bigint'), values as BigInt64Array, out as BigInt64Array, targets, batch, imageElements);
      } else {
        scatter(arithFor('float'), values as Float64Array, out as Float64Array, targets, batch, imageElements);
      }
      return [numericTensor(input.type, out, [batch, channels, ...image])];
    },
  }),
];
