import { attr, defineKernel } from '@onnx-ts/core';

/** Optional: wraps its input, or makes an empty optional (null) of the type the `type` attribute names. */
export default [
  defineKernel({
    op: 'Optional', since: 15,
    attrs: { type: attr.typeProto() },
    run: ([input], { type }) => {
      if (input !== undefined) return [input];
      if (!type) throw new Error(`Optional: with no input the 'type' attribute must give the element type`);
      return [null];
    },
  }),
];
