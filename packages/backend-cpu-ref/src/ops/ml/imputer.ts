import { Tensor, attr, defineKernel } from '@onnx-ts/core';
import { ML_DOMAIN, tensorInput } from './common.js';

const OP = 'Imputer';

/**
 * Replaces every element equal to the replaced value (any NaN when it is NaN) with the imputed value of its
 * feature (last axis); one imputed value applies to all features.
 */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: ['float32', 'float64', 'int64', 'int32'],
    attrs: {
      imputed_value_floats: attr.floats([]),
      imputed_value_int64s: attr.ints([]),
      replaced_value_float: attr.float(0),
      replaced_value_int64: attr.int(0),
    },
    run: ([input], a) => {
      const x = tensorInput(OP, input);
      const isFloat = x.type === 'float32' || x.type === 'float64';
      const imputed = isFloat ? a.imputed_value_floats : a.imputed_value_int64s;
      const name = isFloat ? 'imputed_value_floats' : 'imputed_value_int64s';
      const features = x.dims.length === 0 ? 1 : x.dims[x.dims.length - 1];
      if (imputed.length !== 1 && imputed.length !== features) {
        throw new Error(`${OP}: ${name} has ${imputed.length} values; expected 1 or ${features} (X is ${x.type})`);
      }
      const valueAt = (i: number) => imputed[imputed.length === 1 ? 0 : i % features];
      if (x.type === 'int64') {
        const out = (x.data as BigInt64Array).slice();
        const replaced = BigInt(a.replaced_value_int64);
        for (let i = 0; i < out.length; i++) if (out[i] === replaced) out[i] = BigInt(valueAt(i));
        return [new Tensor(x.type, out, x.dims)];
      }
      const out = (x.data as Float32Array | Float64Array | Int32Array).slice();
      const replaced = isFloat ? a.replaced_value_float : a.replaced_value_int64;
      const matches = Number.isNaN(replaced) ? Number.isNaN : (v: number) => v === replaced;
      for (let i = 0; i < out.length; i++) if (matches(out[i])) out[i] = valueAt(i);
      return [new Tensor(x.type, out, x.dims)];
    },
  }),
];
