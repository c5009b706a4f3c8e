import { attr, bitsPerElement, defineKernel } from '@onnx-ts/core';
import { mapBroadcast } from '../../util/elementwise.js';
import { UNSIGNED_INTS, tensorInputs } from './common.js';

// Shifting by the type's width or more gives 0 (JS would take the shift count modulo 32, and bigint would grow).
export default [
  defineKernel({
    op: 'BitShift', since: 11, dtypes: UNSIGNED_INTS,
    attrs: { direction: attr.string.required() },
    run: (inputs, { direction }) => {
      const [x, shift] = tensorInputs('BitShift', inputs, 2);
      if (direction !== 'LEFT' && direction !== 'RIGHT') {
        throw new Error(`BitShift: direction must be 'LEFT' or 'RIGHT', got '${direction}'`);
      }
      const width = bitsPerElement(x.type);
      const bigWidth = BigInt(width);
      const left = direction === 'LEFT';
      return [mapBroadcast('BitShift', [x, shift], {
        int: (a, s) => (s >= width ? 0 : left ? a << s : a >>> s),
        bigint: (a, s) => (s >= bigWidth ? 0n : left ? a << s : a >> s),
      })];
    },
  }),
];
