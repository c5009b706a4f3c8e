import { FLOAT_DTYPES, attr, defineKernel, normalizeAxis, shapeSize } from '@onnx-ts/core';
import { tensorInput } from '../tensor/args.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';
import { broadcastParam, stashType } from './normalization.js';

/** RMSNormalization: each row of X (from `axis` on) divided by sqrt(mean(x²) + epsilon), times scale (broadcast to X). */
export default [
  defineKernel({
    op: 'RMSNormalization', since: 23, dtypes: FLOAT_DTYPES,
    attrs: { axis: attr.int(-1), epsilon: attr.float(1e-5), stash_type: attr.int(1) },
    run: (inputs, a) => {
      const op = 'RMSNormalization';
      const x = tensorInput(op, inputs, 0, 'X');
      const scale = tensorInput(op, inputs, 1, 'scale');
      if (scale.type !== x.type) throw new Error(`${op}: scale is ${scale.type} but X is ${x.type}; they must match`);
      stashType(op, a.stash_type);
      const axis = normalizeAxis(a.axis, x.dims.length, `${op}: axis`);
      const outer = shapeSize(x.dims.slice(0, axis));
      const inner = shapeSize(x.dims.slice(axis));
      const scaleAt = broadcastParam(op, 'scale', scale, x.dims);
      const xs = floatValues(x);
      const s = floatValues(scale);
      const y = floatBuffer(x.type, x.size);
      for (let row = 0; row < outer; row++) {
        const start = row * inner;
        let squares = 0;
        for (let i = start; i < start + inner; i++) squares += xs[i] * xs[i];
        const invRms = 1 / Math.sqrt(squares / inner + a.epsilon);
        for (let i = start; i < start + inner; i++) y[i] = xs[i] * invRms * s[scaleAt.index ? scaleAt.index[i] : i % scaleAt.period];
      }
      return [floatTensor(x.type, y, x.dims)];
    },
  }),
];
