import { attr, defineKernel } from '@onnx-ts/core';
import { mapBroadcast } from '../../../util/elementwise.js';
import { optimizerInputs } from './optimizer-inputs.js';

/**
 * Adagrad: with r = R / (1 + T · decay_factor) and G' = norm_coefficient · X + G, H_new = H + G'² and
 * X_new = X - r · G' / (sqrt(H_new) + epsilon). Outputs all X_new, then all H_new.
 */
export default [
  defineKernel({
    op: 'Adagrad', domain: 'ai.onnx.preview.training', since: 1, dtypes: ['float32', 'float64'], dtypeInput: 2,
    attrs: { decay_factor: attr.float(0), epsilon: attr.float(1e-6), norm_coefficient: attr.float(0) },
    run: (inputs, { decay_factor, epsilon, norm_coefficient }) => {
      const { rate, count, groups: [xs, gs, hs] } = optimizerInputs('Adagrad', inputs, ['X', 'G', 'H']);
      const r = rate / (1 + count * decay_factor);
      const squares = (x: number, g: number, h: number) => h + (norm_coefficient * x + g) ** 2;
      const newX = xs.map((x, k) => mapBroadcast('Adagrad', [x, gs[k], hs[k]], {
        float: (xv, g, h) => xv - (r * (norm_coefficient * xv + g)) / (Math.sqrt(squares(xv, g, h)) + epsilon),
      }));
      const newH = xs.map((x, k) => mapBroadcast('Adagrad', [x, gs[k], hs[k]], { float: squares }));
      return [...newX, ...newH];
    },
  }),
];
