import { attr, defineKernel } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';
import { FEATURE_DTYPES, ML_DOMAIN, float32Tensor, tensorInput } from './common.js';

const OP = 'Scaler';

/** Y = (X - offset) · scale per feature (last axis); a one-value offset or scale applies to every feature. */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: FEATURE_DTYPES,
    attrs: { offset: attr.floats([]), scale: attr.floats([]) },
    run: ([input], { offset, scale }) => {
      const x = tensorInput(OP, input);
      const features = x.dims.length === 0 ? 1 : x.dims[x.dims.length - 1];
      const pick = (name: string, list: number[], fallback: number) => {
        if (list.length === 0) return () => fallback;
        if (list.length === 1) return () => list[0];
        if (list.length === features) return (i: number) => list[i % features];
        throw new Error(`${OP}: ${name} has ${list.length} values, expected 1 or ${features}`);
      };
      const offsetAt = pick('offset', offset, 0);
      const scaleAt = pick('scale', scale, 1);
      const values = toNumbers(x);
      for (let i = 0; i < values.length; i++) values[i] = (values[i] - offsetAt(i)) * scaleAt(i);
      return [float32Tensor(values, x.dims)];
    },
  }),
];
