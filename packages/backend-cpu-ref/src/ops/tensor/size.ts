import { Tensor, defineKernel } from '@onnx-ts/core';
import { tensorInput } from './args.js';

export default [
  defineKernel({
    op: 'Size', since: 1,
    run: (inputs) => [new Tensor('int64', BigInt64Array.of(BigInt(tensorInput('Size', inputs, 0, 'data').size)), [])],
  }),
];
