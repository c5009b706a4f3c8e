import { attr, defineKernel } from '@onnx-ts/core';
import { mapUnary } from '../../util/elementwise.js';
import { tensorInputs } from './common.js';

export default [
  defineKernel({
    op: 'Celu', since: 12, dtypes: ['float32'],
    attrs: { alpha: attr.float(1) },
    run: (inputs, { alpha }) => {
      if (alpha === 0) throw new Error('Celu: alpha must be non-zero, got 0');
      const [x] = tensorInputs('Celu', inputs, 1);
      return [mapUnary('Celu', x, { float: (v) => Math.max(0, v) + Math.min(0, alpha * Math.expm1(v / alpha)) })];
    },
  }),
];
