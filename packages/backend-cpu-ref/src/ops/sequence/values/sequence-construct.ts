import { defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../../tensor/args.js';

export default [
  defineKernel({
    op: 'SequenceConstruct', since: 11,
    run: (inputs) => {
      if (inputs.length === 0) throw new Error('SequenceConstruct: needs at least one input tensor');
      const tensors = inputs.map((_, i) => tensorInput('SequenceConstruct', inputs, i, `inputs[${i}]`));
      const type = tensors[0].type;
      const other = tensors.findIndex((t) => t.type !== type);
      if (other >= 0) throw new Error(`SequenceConstruct: inputs[${other}] is ${tensors[other].type} but inputs[0] is ${type}`);
      return [tensors];
    },
  }),
];
