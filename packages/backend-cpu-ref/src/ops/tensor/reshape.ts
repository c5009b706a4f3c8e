import { attr, defineKernel, shapeSize, type Tensor } from '@onnx-ts/core';
import { readIntList, tensorInput } from './args.js';

/**
 * The output dims of Reshape: a 0 copies the input's dim at that position (unless allowzero, where it is a real 0) and
 * one -1 takes whatever size is left.
 */
export function reshapeDims(inDims: readonly number[], shape: readonly number[], allowzero: boolean): number[] {
  const size = shapeSize(inDims);
  const where = `shape [${shape.join(', ')}] for an input of shape [${inDims.join(', ')}]`;
  let inferred = -1;
  const out = shape.map((d, i) => {
    if (d === -1) {
      if (inferred >= 0) throw new Error(`Reshape: ${where} has more than one -1`);
      inferred = i;
      return 1;
    }
    if (d < -1 || !Number.isInteger(d)) throw new Error(`Reshape: ${where} has an invalid dimension ${d}`);
    if (d === 0 && !allowzero) {
      if (i >= inDims.length) throw new Error(`Reshape: ${where} copies dim ${i}, which the input does not have`);
      return inDims[i];
    }
    return d;
  });
  if (allowzero && inferred >= 0 && shape.includes(0)) {
    throw new Error(`Reshape: ${where} has both 0 and -1, which allowzero=1 forbids`);
  }
  if (inferred >= 0) {
    const known = shapeSize(out);
    if (known === 0 || size % known !== 0) throw new Error(`Reshape: ${where}: -1 cannot be inferred`);
    out[inferred] = size / known;
  }
  if (shapeSize(out) !== size) throw new Error(`Reshape: ${where}: element counts differ (${shapeSize(out)} vs ${size})`);
  return out;
}

function reshape(x: Tensor, shape: readonly number[], allowzero: boolean): Tensor {
  return x.reshape(reshapeDims(x.dims, shape, allowzero));
}

export default [
  defineKernel({
    op: 'Reshape', since: 1, until: 4,
    attrs: { shape: attr.ints.required() },
    run: (inputs, { shape }) => [reshape(tensorInput('Reshape', inputs, 0, 'data'), shape, false)],
  }),
  defineKernel({
    op: 'Reshape', since: 5,
    attrs: { allowzero: attr.int(0) },
    run: (inputs, { allowzero }) => {
      const shape = readIntList('Reshape', tensorInput('Reshape', inputs, 1, 'shape'), 'shape');
      return [reshape(tensorInput('Reshape', inputs, 0, 'data'), shape, allowzero === 1)];
    },
  }),
];
