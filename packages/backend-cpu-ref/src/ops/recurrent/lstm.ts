/**
 * LSTM, gates in the order i (input), o (output), f (forget), c (cell); peepholes P = [Pi, Po, Pf]:
 *   i = f(X·Wiᵀ + H·Riᵀ + Pi ⊙ C + Wbi + Rbi),  f = f(X·Wfᵀ + H·Rfᵀ + Pf ⊙ C + Wbf + Rbf)
 *   c = g(X·Wcᵀ + H·Rcᵀ + Wbc + Rbc),           C' = f ⊙ C + i ⊙ c
 *   o = f(X·Woᵀ + H·Roᵀ + Po ⊙ C' + Wbo + Rbo),  H' = o ⊙ h(C')
 * With input_forget the forget gate is coupled to the input gate: f = 1 - i. clip bounds the input of every
 * activation, h's included, as the spec words it.
 */
import { attr, defineKernel } from '@onnx-ts/core';
import { RECURRENT_DTYPES, recurrentAttrs, recurrentProduct, runRecurrence, type RecurrentOp } from './recurrence.js';

const INPUT = 0;
const OUTPUT = 1;
const FORGET = 2;
const CELL = 3;

function lstm(inputForget: boolean): RecurrentOp {
  return {
    op: 'LSTM',
    gates: 4,
    defaultActivations: ['Sigmoid', 'Tanh', 'Tanh'],
    cellState: true,
    makeCell: (dir) => {
      const H = dir.hidden;
      const [f, g, hAct] = dir.activations;
      const { rBias, clip } = dir;
      const peephole = dir.directionInput('P', 7, 3 * H);
      // The gates' pre-activations without peepholes: X·Wᵀ + H·Rᵀ + Wb + Rb.
      const preActivation = new Float64Array(4 * H);
      return (xw, at, h, c) => {
        recurrentProduct(dir, h, 0, 4 * H, preActivation);
        for (let k = 0; k < 4 * H; k++) preActivation[k] += xw[at + k] + rBias[k];
        for (let j = 0; j < H; j++) {
          const input = f(clip(preActivation[INPUT * H + j] + peephole[j] * c[j]));
          const forget = inputForget ? 1 - input : f(clip(preActivation[FORGET * H + j] + peephole[2 * H + j] * c[j]));
          const cell = forget * c[j] + input * g(clip(preActivation[CELL * H + j]));
          const output = f(clip(preActivation[OUTPUT * H + j] + peephole[H + j] * cell));
          c[j] = cell;
          h[j] = output * hAct(clip(cell));
        }
      };
    },
  };
}

export default [
  defineKernel({
    op: 'LSTM', since: 1,
    dtypes: RECURRENT_DTYPES,
    attrs: { ...recurrentAttrs, input_forget: attr.int(0) },
    run: (inputs, attrs, ctx) => runRecurrence(lstm(attrs.input_forget !== 0), inputs, attrs, ctx),
  }),
];
