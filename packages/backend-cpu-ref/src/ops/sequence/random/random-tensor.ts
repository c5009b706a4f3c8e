/** The shared body of RandomUniform(Like) and RandomNormal(Like). */
import { FLOAT_DTYPES, shapeSize, type DType, type KernelContext, type Tensor } from '@onnx-ts/core';
import { fromNumbers } from '../../../util/elementwise.js';
import { dtypeAttribute } from '../inputs.js';
import { Random } from './prng.js';

export type Distribution = { kind: 'uniform'; low: number; high: number } | { kind: 'normal'; mean: number; scale: number };

/** The output type: the `dtype` attribute, or else the type of the input the op copies its shape from. */
export function randomOutputType(op: string, dtype: number | undefined, like?: Tensor): DType {
  if (dtype !== undefined) return dtypeAttribute(op, dtype, 'dtype', FLOAT_DTYPES);
  if (like && FLOAT_DTYPES.includes(like.type)) return like.type;
  throw new Error(`${op}: input is ${like?.type}, not a float type; give the 'dtype' attribute`);
}

/** A tensor of `dims` drawn from `dist` (values differ from numpy's generator; see prng.ts). */
export function randomTensor(
  type: DType, dims: readonly number[], dist: Distribution, seed: number | undefined, ctx: KernelContext,
): Tensor {
  const size = shapeSize(dims);
  ctx.checkAllocation(type, size);
  const random = new Random(seed);
  const values = new Float64Array(size);
  if (dist.kind === 'uniform') {
    for (let i = 0; i < size; i++) values[i] = dist.low + (dist.high - dist.low) * random.uniform();
  } else {
    for (let i = 0; i < size; i++) values[i] = dist.mean + dist.scale * random.normal();
  }
  return fromNumbers(type, values, dims);
}
