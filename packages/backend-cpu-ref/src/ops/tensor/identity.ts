import { defineKernel } from '@onnx-ts/core';

/** Passes any value through: tensors, and from opset 14/16 sequences and optionals (an empty optional is null). */
export default [
  defineKernel({
    op: 'Identity', since: 1,
    run: ([x]) => {
      if (x === undefined) throw new Error(`Identity: input 'input' is missing`);
      return [x];
    },
  }),
];
