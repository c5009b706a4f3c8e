import { defineKernel } from '@onnx-ts/core';

/** OptionalGetElement: the element of a non-empty optional; from opset 18 a plain tensor or sequence passes through. */
export default [
  defineKernel({
    op: 'OptionalGetElement', since: 15,
    run: ([input]) => {
      if (input === undefined) throw new Error(`OptionalGetElement: input 'input' is missing`);
      if (input === null) throw new Error(`OptionalGetElement: input 'input' is an empty optional`);
      return [input];
    },
  }),
];
