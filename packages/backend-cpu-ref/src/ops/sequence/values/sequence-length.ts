import { Tensor, defineKernel } from '@onnx-ts/core';
import { sequenceInput } from '../inputs.js';

export default [
  defineKernel({
    op: 'SequenceLength', since: 11,
    run: (inputs) => {
      const seq = sequenceInput('SequenceLength', inputs, 0, 'input_sequence');
      return [new Tensor('int64', new BigInt64Array([BigInt(seq.length)]), [])];
    },
  }),
];
