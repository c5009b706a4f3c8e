import { attr, defineKernel } from '@onnx-ts/core';
import { tensorInputs } from './common.js';
import { castTensor, parseRoundMode } from './cast-values.js';

export default [
  defineKernel({
    op: 'CastLike', since: 15,
    attrs: { saturate: attr.int(1), round_mode: attr.string('up') },
    run: (inputs, { saturate, round_mode: roundMode }) => {
      const [x, like] = tensorInputs('CastLike', inputs, 2);
      return [castTensor('CastLike', x, like.type, {
        saturate: saturate !== 0,
        roundMode: parseRoundMode('CastLike', roundMode),
      })];
    },
  }),
];
