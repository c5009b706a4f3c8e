/**
 * GRU, gates in the order z (update), r (reset), h (hidden):
 *   z = f(X·Wzᵀ + H·Rzᵀ + Wbz + Rbz),  r = f(X·Wrᵀ + H·Rrᵀ + Wbr + Rbr)
 *   h = g(X·Whᵀ + (r ⊙ H)·Rhᵀ + Rbh + Wbh)          when linear_before_reset = 0
 *   h = g(X·Whᵀ + r ⊙ (H·Rhᵀ + Rbh) + Wbh)          otherwise
 *   H' = (1 - z) ⊙ h + z ⊙ H
 */
import { attr, defineKernel } from '@onnx-ts/core';
import { RECURRENT_DTYPES, recurrentAttrs, recurrentProduct, runRecurrence, type RecurrentOp } from './recurrence.js';

function gru(linearBeforeReset: boolean): RecurrentOp {
  return {
    op: 'GRU',
    gates: 3,
    defaultActivations: ['Sigmoid', 'Tanh'],
    cellState: false,
    makeCell: (dir) => {
      const H = dir.hidden;
      const [f, g] = dir.activations;
      const { rBias, clip } = dir;
      const updateReset = new Float64Array(2 * H);
      const resetHidden = new Float64Array(H);
      const candidate = new Float64Array(H);
      return (xw, at, h) => {
        recurrentProduct(dir, h, 0, 2 * H, updateReset);
        for (let j = 0; j < 2 * H; j++) updateReset[j] = f(clip(xw[at + j] + updateReset[j] + rBias[j]));
        if (linearBeforeReset) {
          recurrentProduct(dir, h, 2 * H, H, candidate);
          for (let j = 0; j < H; j++) candidate[j] = updateReset[H + j] * (candidate[j] + rBias[2 * H + j]);
        } else {
          for (let j = 0; j < H; j++) resetHidden[j] = updateReset[H + j] * h[j];
          recurrentProduct(dir, resetHidden, 2 * H, H, candidate);
          for (let j = 0; j < H; j++) candidate[j] += rBias[2 * H + j];
        }
        for (let j = 0; j < H; j++) {
          const z = updateReset[j];
          const hidden = g(clip(xw[at + 2 * H + j] + candidate[j]));
          h[j] = (1 - z) * hidden + z * h[j];
        }
      };
    },
  };
}

export default [
  defineKernel({
    op: 'GRU', since: 1,
    dtypes: RECURRENT_DTYPES,
    // linear_before_reset exists since opset 3; earlier models never set it, so its default applies.
    attrs: { ...recurrentAttrs, linear_before_reset: attr.int(0) },
    run: (inputs, attrs, ctx) => runRecurrence(gru(attrs.linear_before_reset !== 0), inputs, attrs, ctx),
  }),
];
