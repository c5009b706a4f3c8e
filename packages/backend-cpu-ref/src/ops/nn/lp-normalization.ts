import { FLOAT_DTYPES, attr, defineKernel, normalizeAxis, shapeSize } from '@onnx-ts/core';
import { tensorInput } from '../tensor/args.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';

/** LpNormalization: X divided by its L1 or L2 norm along `axis`; a zero vector stays zero. */
export default [
  defineKernel({
    op: 'LpNormalization', since: 1, dtypes: FLOAT_DTYPES,
    attrs: { axis: attr.int(-1), p: attr.int(2) },
    run: (inputs, a) => {
      const x = tensorInput('LpNormalization', inputs, 0, 'input');
      if (a.p !== 1 && a.p !== 2) throw new Error(`LpNormalization: p must be 1 or 2, got ${a.p}`);
      const axis = normalizeAxis(a.axis, x.dims.length, 'LpNormalization: axis');
      const length = x.dims[axis];
      const inner = shapeSize(x.dims.slice(axis + 1));
      const outer = shapeSize(x.dims.slice(0, axis));
      const xs = floatValues(x);
      const y = floatBuffer(x.type, x.size);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const start = o * length * inner + i;
          let norm = 0;
          for (let k = 0; k < length; k++) {
            const v = xs[start + k * inner];
            norm += a.p === 1 ? Math.abs(v) : v * v;
          }
          if (a.p === 2) norm = Math.sqrt(norm);
          if (norm !== 0) for (let k = 0; k < length; k++) y[start + k * inner] = xs[start + k * inner] / norm;
        }
      }
      return [floatTensor(x.type, y, x.dims)];
    },
  }),
];
