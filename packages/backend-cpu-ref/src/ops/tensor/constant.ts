import { Tensor, attr, defineKernel, densify } from '@onnx-ts/core';

export default [
  defineKernel({
    op: 'Constant', since: 1,
    attrs: {
      value: attr.tensor(), sparse_value: attr.sparseTensor(),
      value_float: attr.float(), value_floats: attr.floats(),
      value_int: attr.int(), value_ints: attr.ints(),
      value_string: attr.string(), value_strings: attr.strings(),
    },
    run: (_inputs, a) => {
      const given = Object.entries(a).filter(([, v]) => v !== undefined).map(([k]) => k);
      if (given.length !== 1) {
        throw new Error(`Constant: exactly one value attribute must be set, got ${given.length ? given.join(', ') : 'none'}`);
      }
      if (a.value) return [a.value];
      if (a.sparse_value) return [densify(a.sparse_value)];
      if (a.value_float !== undefined) return [new Tensor('float32', Float32Array.of(a.value_float), [])];
      if (a.value_floats) return [new Tensor('float32', Float32Array.from(a.value_floats), [a.value_floats.length])];
      if (a.value_int !== undefined) return [new Tensor('int64', BigInt64Array.of(BigInt(a.value_int)), [])];
      if (a.value_ints) return [new Tensor('int64', BigInt64Array.from(a.value_ints, BigInt), [a.value_ints.length])];
      if (a.value_string !== undefined) return [new Tensor('string', [a.value_string], [])];
      const strings = a.value_strings as string[];
      return [new Tensor('string', [...strings], [strings.length])];
    },
  }),
];
