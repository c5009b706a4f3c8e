/** RNN: H_t = f(X_t·Wᵀ + H_{t-1}·Rᵀ + Wb + Rb). */
import { defineKernel } from '@onnx-ts/core';
import { RECURRENT_DTYPES, recurrentAttrs, recurrentProduct, runRecurrence, type RecurrentOp } from './recurrence.js';

const rnn: RecurrentOp = {
  op: 'RNN',
  gates: 1,
  defaultActivations: ['Tanh'],
  cellState: false,
  makeCell: (dir) => {
    const H = dir.hidden;
    const [f] = dir.activations;
    const recurrent = new Float64Array(H);
    return (xw, at, h) => {
      recurrentProduct(dir, h, 0, H, recurrent);
      for (let j = 0; j < H; j++) h[j] = f(dir.clip(xw[at + j] + recurrent[j] + dir.rBias[j]));
    };
  },
};

export default [
  defineKernel({
    op: 'RNN', since: 1,
    dtypes: RECURRENT_DTYPES,
    attrs: recurrentAttrs,
    run: (inputs, attrs, ctx) => runRecurrence(rnn, inputs, attrs, ctx),
  }),
];
