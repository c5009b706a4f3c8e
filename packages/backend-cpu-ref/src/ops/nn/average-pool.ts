import { FLOAT_DTYPES, attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../tensor/args.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';
import { forEachWindowBlock, poolAttrs, poolShape } from './pooling.js';

/**
 * AveragePool: the mean of each window. Padding counts toward the divisor only with count_include_pad, and then only
 * the declared pads, not the overhang ceil_mode adds past them.
 */
export default [
  defineKernel({
    op: 'AveragePool', since: 1, dtypes: FLOAT_DTYPES,
    attrs: { ...poolAttrs, count_include_pad: attr.int(0) },
    run: (inputs, a, ctx) => {
      const x = tensorInput('AveragePool', inputs, 0, 'X');
      const { window, planes, imageSize, gridSize, outDims } = poolShape('AveragePool', x, a);
      ctx.checkAllocation(x.type, planes * gridSize);
      const xs = floatValues(x);
      const out = floatBuffer(x.type, planes * gridSize);
      forEachWindowBlock(window, ({ from, to, starts, offsets, paddedCounts }) => {
        for (let plane = 0; plane < planes; plane++) {
          const base = plane * imageSize;
          const outBase = plane * gridSize;
          for (let p = from; p < to; p++) {
            const begin = starts[p - from];
            const end = starts[p - from + 1];
            let sum = 0;
            for (let e = begin; e < end; e++) sum += xs[base + offsets[e]];
            out[outBase + p] = sum / (a.count_include_pad ? paddedCounts[p - from] : end - begin);
          }
        }
      });
      return [floatTensor(x.type, out, outDims)];
    },
  }),
];
