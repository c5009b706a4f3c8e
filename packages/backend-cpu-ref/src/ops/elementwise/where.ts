import { Tensor, defineKernel, slotsPerElement } from '@onnx-ts/core';
import { broadcastPlan } from '../../util/elementwise.js';
import { tensorInputs } from './common.js';

/** Picks from X where the condition holds, else from Y; copies storage slots, so every element type works. */
function where(condition: Tensor, x: Tensor, y: Tensor): Tensor {
  if (condition.type !== 'bool') throw new Error(`Where: condition must be bool, got ${condition.type}`);
  if (x.type !== y.type) throw new Error(`Where: X and Y have different element types (${x.type} and ${y.type})`);
  const { dims, size, indexes: [ic, ix, iy], out: storage } = broadcastPlan([condition, x, y], x.type);
  const slots = slotsPerElement(x.type);
  const out = storage as unknown as unknown[];
  const cond = condition.data as Uint8Array;
  const xs = x.data as unknown as ArrayLike<unknown>;
  const ys = y.data as unknown as ArrayLike<unknown>;
  for (let i = 0; i < size; i++) {
    const pickX = cond[ic ? ic[i] : i] !== 0;
    const src = pickX ? xs : ys;
    const at = ((pickX ? ix : iy)?.[i] ?? i) * slots;
    for (let s = 0; s < slots; s++) out[i * slots + s] = src[at + s];
  }
  return new Tensor(x.type, out as never, dims);
}

export default [
  defineKernel({
    op: 'Where', since: 9, dtypeInput: 1,
    run: (inputs) => {
      const [condition, x, y] = tensorInputs('Where', inputs, 3);
      return [where(condition, x, y)];
    },
  }),
];
