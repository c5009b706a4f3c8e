import { ALL_DTYPES, attr, defineKernel } from '@onnx-ts/core';
import { dtypeAttribute } from '../inputs.js';

/** SequenceEmpty: an empty sequence; its element type (the `dtype` attribute) is checked but JS arrays carry none. */
export default [
  defineKernel({
    op: 'SequenceEmpty', since: 11,
    attrs: { dtype: attr.int(1) },
    run: (_inputs, { dtype }) => {
      dtypeAttribute('SequenceEmpty', dtype, 'dtype', ALL_DTYPES);
      return [[]];
    },
  }),
];
