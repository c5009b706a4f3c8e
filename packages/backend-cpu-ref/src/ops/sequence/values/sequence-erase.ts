import { defineKernel } from '@onnx-ts/core';
import { optionalTensor } from '../../tensor/args.js';
import { sequenceInput } from '../inputs.js';
import { readPosition } from './position.js';

/** SequenceErase: a copy of the sequence without the element at `position` (the last one when omitted). */
export default [
  defineKernel({
    op: 'SequenceErase', since: 11,
    run: (inputs) => {
      const seq = sequenceInput('SequenceErase', inputs, 0, 'input_sequence');
      const position = optionalTensor('SequenceErase', inputs, 1, 'position');
      if (seq.length === 0) throw new Error('SequenceErase: the input sequence is empty');
      const at = position ? readPosition('SequenceErase', position, seq.length) : seq.length - 1;
      return [[...seq.slice(0, at), ...seq.slice(at + 1)]];
    },
  }),
];
