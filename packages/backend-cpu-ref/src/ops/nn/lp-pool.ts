import { FLOAT_DTYPES, attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../tensor/args.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';
import { forEachWindowBlock, poolAttrs, poolShape } from './pooling.js';

/** LpPool: the p-norm (Σ|x|^p)^(1/p) of each window; padding contributes zeros. `p` was a float before opset 2. */
export default [
  defineKernel({
    op: 'LpPool', since: 1, dtypes: FLOAT_DTYPES,
    attrs: { ...poolAttrs, p: attr.float(2) },
    run: (inputs, a, ctx) => {
      const x = tensorInput('LpPool', inputs, 0, 'X');
      if (!(a.p > 0)) throw new Error(`LpPool: p must be positive, got ${a.p}`);
      const { window, planes, imageSize, gridSize, outDims } = poolShape('LpPool', x, a);
      ctx.checkAllocation(x.type, planes * gridSize);
      const xs = floatValues(x);
      const out = floatBuffer(x.type, planes * gridSize);
      forEachWindowBlock(window, ({ from, to, starts, offsets }) => {
        for (let plane = 0; plane < planes; plane++) {
          const base = plane * imageSize;
          const outBase = plane * gridSize;
          for (let p = from; p < to; p++) {
            let sum = 0;
            for (let e = starts[p - from]; e < starts[p - from + 1]; e++) sum += Math.abs(xs[base + offsets[e]]) ** a.p;
            out[outBase + p] = sum ** (1 / a.p);
          }
        }
      });
      return [floatTensor(x.type, out, outDims)];
    },
  }),
];
