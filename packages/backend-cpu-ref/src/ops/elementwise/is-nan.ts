import { FLOAT8_DTYPES, defineKernel } from '@onnx-ts/core';
import { mapUnary } from '../../util/elementwise.js';
import { FLOATS, tensorInputs } from './common.js';

export default [
  defineKernel({
    op: 'IsNaN', since: 9, dtypes: [...FLOATS, ...FLOAT8_DTYPES],
    run: (inputs) => [mapUnary('IsNaN', tensorInputs('IsNaN', inputs, 1)[0], { float: Number.isNaN }, 'bool')],
  }),
];
