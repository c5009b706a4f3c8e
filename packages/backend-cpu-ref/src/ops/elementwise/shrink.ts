import { attr, defineKernel } from '@onnx-ts/core';
import { mapUnary } from '../../util/elementwise.js';
import { NUMERIC, tensorInputs } from './common.js';

export default [
  defineKernel({
    op: 'Shrink', since: 9, dtypes: NUMERIC,
    attrs: { bias: attr.float(0), lambd: attr.float(0.5) },
    run: (inputs, { bias, lambd }) => {
      const [x] = tensorInputs('Shrink', inputs, 1);
      const shrink = (v: number): number => (v < -lambd ? v + bias : v > lambd ? v - bias : 0);
      // int64 keeps exact values: only the comparison goes through a double, and the bias of an integer type is whole.
      const bigBias = BigInt(Math.trunc(bias));
      return [mapUnary('Shrink', x, {
        float: shrink,
        int: shrink,
        bigint: (v) => (Number(v) < -lambd ? v + bigBias : Number(v) > lambd ? v - bigBias : 0n),
      })];
    },
  }),
];
