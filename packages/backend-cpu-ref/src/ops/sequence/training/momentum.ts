import { attr, defineKernel } from '@onnx-ts/core';
import { mapBroadcast } from '../../../util/elementwise.js';
import { optimizerInputs } from './optimizer-inputs.js';

/**
 * Momentum: with G' = norm_coefficient · X + G and beta' = beta when T > 0 (else 1), V_new = alpha · V + beta' · G';
 * 'standard' mode gives X_new = X - R · V_new, 'nesterov' X_new = X - R · (G' + alpha · V_new). Outputs all X_new,
 * then all V_new.
 */
export default [
  defineKernel({
    op: 'Momentum', domain: 'ai.onnx.preview.training', since: 1, dtypes: ['float32', 'float64'], dtypeInput: 2,
    attrs: { alpha: attr.float.required(), beta: attr.float.required(), mode: attr.string.required(), norm_coefficient: attr.float.required() },
    run: (inputs, { alpha, beta, mode, norm_coefficient }) => {
      if (mode !== 'standard' && mode !== 'nesterov') throw new Error(`Momentum: mode must be 'standard' or 'nesterov', got '${mode}'`);
      const { rate, count, groups: [xs, gs, vs] } = optimizerInputs('Momentum', inputs, ['X', 'G', 'V']);
      const betaAdjusted = count > 0 ? beta : 1;
      const momentum = (x: number, g: number, v: number) => alpha * v + betaAdjusted * (norm_coefficient * x + g);
      const step = mode === 'standard'
        ? momentum
        : (x: number, g: number, v: number) => norm_coefficient * x + g + alpha * momentum(x, g, v);
      const newX = xs.map((x, k) => mapBroadcast('Momentum', [x, gs[k], vs[k]], { float: (xv, g, v) => xv - rate * step(xv, g, v) }));
      const newV = xs.map((x, k) => mapBroadcast('Momentum', [x, gs[k], vs[k]], { float: momentum }));
      return [...newX, ...newV];
    },
  }),
];
