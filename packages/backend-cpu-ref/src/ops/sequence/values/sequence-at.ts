import { defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../../tensor/args.js';
import { sequenceInput } from '../inputs.js';
import { readPosition } from './position.js';

export default [
  defineKernel({
    op: 'SequenceAt', since: 11,
    run: (inputs) => {
      const seq = sequenceInput('SequenceAt', inputs, 0, 'input_sequence');
      const position = tensorInput('SequenceAt', inputs, 1, 'position');
      return [seq[readPosition('SequenceAt', position, seq.length)]];
    },
  }),
];
