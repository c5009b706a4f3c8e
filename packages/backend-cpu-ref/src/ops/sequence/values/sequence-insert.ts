import { defineKernel, isTensor } from '@onnx-ts/core';
import { optionalTensor, tensorInput } from '../../tensor/args.js';
import { sequenceInput } from '../inputs.js';
import { readPosition } from './position.js';

/** SequenceInsert: a copy of the sequence with `tensor` inserted at `position` (at the back when omitted). */
export default [
  defineKernel({
    op: 'SequenceInsert', since: 11,
    run: (inputs) => {
      const seq = sequenceInput('SequenceInsert', inputs, 0, 'input_sequence');
      const tensor = tensorInput('SequenceInsert', inputs, 1, 'tensor');
      const position = optionalTensor('SequenceInsert', inputs, 2, 'position');
      const first = seq[0];
      if (isTensor(first) && first.type !== tensor.type) {
        throw new Error(`SequenceInsert: 'tensor' is ${tensor.type} but the sequence holds ${first.type}`);
      }
      const at = position ? readPosition('SequenceInsert', position, seq.length, true) : seq.length;
      return [[...seq.slice(0, at), tensor, ...seq.slice(at)]];
    },
  }),
];
