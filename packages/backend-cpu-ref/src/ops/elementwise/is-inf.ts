import { FLOAT8_DTYPES, attr, defineKernel } from '@onnx-ts/core';
import { mapUnary } from '../../util/elementwise.js';
import { FLOATS, tensorInputs } from './common.js';

export default [
  defineKernel({
    op: 'IsInf', since: 10, dtypes: [...FLOATS, ...FLOAT8_DTYPES],
    attrs: { detect_negative: attr.int(1), detect_positive: attr.int(1) },
    run: (inputs, { detect_negative: negative, detect_positive: positive }) => [
      mapUnary('IsInf', tensorInputs('IsInf', inputs, 1)[0], {
        float: (x) => (x === Infinity && positive !== 0) || (x === -Infinity && negative !== 0),
      }, 'bool'),
    ],
  }),
];
