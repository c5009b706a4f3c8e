import { attr, defineKernel } from '@onnx-ts/core';
import { mapBroadcast, numericKind, type ElementFns } from '../../util/elementwise.js';
import { NUMERIC, tensorInputs } from './common.js';

function divisionByZero(): never {
  throw new Error('Mod: integer division by zero');
}

/** fmod=1: C's fmod, the remainder takes the dividend's sign (JS % does exactly this). */
const truncatedMod: ElementFns = {
  float: (a, b) => a % b,
  int: (a, b) => (b === 0 ? divisionByZero() : a % b),
  bigint: (a, b) => (b === 0n ? divisionByZero() : a % b),
};

/** fmod=0: Python's %, the remainder takes the divisor's sign. */
const flooredMod: ElementFns = {
  int: (a, b) => {
    if (b === 0) divisionByZero();
    const r = a % b;
    return r !== 0 && r < 0 !== b < 0 ? r + b : r;
  },
  bigint: (a, b) => {
    if (b === 0n) divisionByZero();
    const r = a % b;
    return r !== 0n && r < 0n !== b < 0n ? r + b : r;
  },
};

export default [
  defineKernel({
    op: 'Mod', since: 10, dtypes: NUMERIC,
    attrs: { fmod: attr.int(0) },
    run: (inputs, { fmod }) => {
      const [a, b] = tensorInputs('Mod', inputs, 2);
      if (fmod !== 0 && fmod !== 1) throw new Error(`Mod: fmod must be 0 or 1, got ${fmod}`);
      if (fmod === 0 && numericKind(a.type) === 'float') {
        throw new Error(`Mod: fmod must be 1 for floating-point inputs (${a.type}), got 0`);
      }
      return [mapBroadcast('Mod', [a, b], fmod ? truncatedMod : flooredMod)];
    },
  }),
];
