/** The inputs the training optimizers share: learning rate R, update count T, then groups of per-tensor inputs. */
import { broadcastShapes, sameShape, type KernelInputs, type Tensor } from '@onnx-ts/core';
import { readIntScalar, tensorInput } from '../../tensor/args.js';
import { readFloatScalar } from '../inputs.js';

export interface OptimizerInputs {
  rate: number;
  count: number;
  /** One list per group (X, then G, ...), each with one tensor per optimized tensor. */
  groups: Tensor[][];
}

/**
 * Reads R, T and the groups named by `names` (['X', 'G', 'H'] for Adagrad), checking that every tensor of an
 * optimized tensor broadcasts to that tensor's shape so the outputs keep it.
 */
export function optimizerInputs(op: string, inputs: KernelInputs, names: readonly string[]): OptimizerInputs {
  const rate = readFloatScalar(op, tensorInput(op, inputs, 0, 'R'), 'R');
  const countInput = tensorInput(op, inputs, 1, 'T');
  if (countInput.type !== 'int64') throw new Error(`${op}: 'T' must be int64, got ${countInput.type}`);
  const count = readIntScalar(op, countInput, 'T');
  const rest = inputs.length - 2;
  if (rest <= 0 || rest % names.length !== 0) {
    throw new Error(`${op}: expects R, T and ${names.length} tensors (${names.join(', ')}) per optimized tensor, got ${inputs.length} inputs`);
  }
  const n = rest / names.length;
  const groups = names.map((name, g) =>
    Array.from({ length: n }, (_, k) => tensorInput(op, inputs, 2 + g * n + k, `${name}${n > 1 ? k + 1 : ''}`)));
  for (let k = 0; k < n; k++) {
    const x = groups[0][k];
    const dims = broadcastShapes(...groups.map((list) => list[k].dims));
    if (!sameShape(dims, x.dims)) {
      throw new Error(`${op}: the inputs of optimized tensor ${k + 1} broadcast to [${dims.join(', ')}], not to its shape [${x.dims.join(', ')}]`);
    }
  }
  return { rate, count, groups };
}
