import { attr, defineKernel } from '@onnx-ts/core';
import { mapBroadcast } from '../../../util/elementwise.js';
import { optimizerInputs } from './optimizer-inputs.js';

/**
 * Adam: with G' = norm_coefficient · X + G, V_new = alpha · V + (1 - alpha) · G', H_new = beta · H + (1 - beta) · G'²,
 * R' = R · sqrt(1 - beta^T) / (1 - alpha^T) when T > 0 (else R), X_new = (1 - norm_coefficient_post) ·
 * (X - R' · V_new / (sqrt(H_new) + epsilon)). Outputs all X_new, then all V_new, then all H_new.
 */
export default [
  defineKernel({
    op: 'Adam', domain: 'ai.onnx.preview.training', since: 1, dtypes: ['float32', 'float64'], dtypeInput: 2,
    attrs: {
      alpha: attr.float(0.9), beta: attr.float(0.999), epsilon: attr.float(1e-6),
      norm_coefficient: attr.float(0), norm_coefficient_post: attr.float(0),
    },
    run: (inputs, { alpha, beta, epsilon, norm_coefficient, norm_coefficient_post }) => {
      const { rate, count, groups: [xs, gs, vs, hs] } = optimizerInputs('Adam', inputs, ['X', 'G', 'V', 'H']);
      const adjustedRate = count > 0 ? (rate * Math.sqrt(1 - beta ** count)) / (1 - alpha ** count) : rate;
      const momentum = (x: number, g: number, v: number) => alpha * v + (1 - alpha) * (norm_coefficient * x + g);
      const squares = (x: number, g: number, h: number) => beta * h + (1 - beta) * (norm_coefficient * x + g) ** 2;
      const newX = xs.map((x, k) => mapBroadcast('Adam', [x, gs[k], vs[k], hs[k]], {
        float: (xv, g, v, h) =>
          (1 - norm_coefficient_post) * (xv - (adjustedRate * momentum(xv, g, v)) / (Math.sqrt(squares(xv, g, h)) + epsilon)),
      }));
      const newV = xs.map((x, k) => mapBroadcast('Adam', [x, gs[k], vs[k]], { float: momentum }));
      const newH = xs.map((x, k) => mapBroadcast('Adam', [x, gs[k], hs[k]], { float: squares }));
      return [...newX, ...newV, ...newH];
    },
  }),
];
