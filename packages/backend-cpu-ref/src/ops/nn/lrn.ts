import { FLOAT_DTYPES, attr, defineKernel, shapeSize } from '@onnx-ts/core';
import { tensorInput } from '../tensor/args.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';

/**
 * LRN: each element divided by (bias + alpha/size · Σx²)^beta, the sum over the channels
 * c - floor((size-1)/2) .. c + ceil((size-1)/2) at the same position.
 */
export default [
  defineKernel({
    op: 'LRN', since: 1, dtypes: FLOAT_DTYPES,
    attrs: { alpha: attr.float(1e-4), beta: attr.float(0.75), bias: attr.float(1), size: attr.int.required() },
    run: (inputs, { alpha, beta, bias, size }) => {
      const x = tensorInput('LRN', inputs, 0, 'X');
      if (x.dims.length < 2) throw new Error(`LRN: X must be [N, C, D...], got [${x.dims.join(', ')}]`);
      if (!(size >= 1)) throw new Error(`LRN: size must be >= 1, got ${size}`);
      const [batch, channels] = x.dims;
      const planeSize = shapeSize(x.dims.slice(2));
      const below = Math.floor((size - 1) / 2);
      const above = Math.ceil((size - 1) / 2);
      const xs = floatValues(x);
      const y = floatBuffer(x.type, x.size);
      for (let n = 0; n < batch; n++) {
        for (let c = 0; c < channels; c++) {
          const first = Math.max(0, c - below);
          const last = Math.min(channels - 1, c + above);
          const at = (n * channels + c) * planeSize;
          for (let i = 0; i < planeSize; i++) {
            let squares = 0;
            for (let k = first; k <= last; k++) {
              const v = xs[(n * channels + k) * planeSize + i];
              squares += v * v;
            }
            y[at + i] = xs[at + i] / (bias + (alpha / size) * squares) ** beta;
          }
        }
      }
      return [floatTensor(x.type, y, x.dims)];
    },
  }),
];
