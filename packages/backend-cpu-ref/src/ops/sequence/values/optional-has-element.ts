import { Tensor, defineKernel } from '@onnx-ts/core';

/** OptionalHasElement: false for an empty optional and, from opset 18, for an omitted input. */
export default [
  defineKernel({
    op: 'OptionalHasElement', since: 15,
    run: ([input]) => [new Tensor('bool', new Uint8Array([input === undefined || input === null ? 0 : 1]), [])],
  }),
];
