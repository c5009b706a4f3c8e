import { FLOAT_DTYPES, defineKernel, shapeSize } from '@onnx-ts/core';
import { optionalTensor, tensorInput } from '../tensor/args.js';
import { checkBias, checkConvWeights, convAttrs, convKernel, convolve, fillBias } from './convolution.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';
import { slidingWindow } from './window.js';

/** Conv: N-D grouped convolution of X [N, C, D...] with W [M, C/group, k...], plus an optional bias [M]. */
export default [
  defineKernel({
    op: 'Conv', since: 1, dtypes: FLOAT_DTYPES,
    attrs: convAttrs,
    run: (inputs, a, ctx) => {
      const x = tensorInput('Conv', inputs, 0, 'X');
      const w = tensorInput('Conv', inputs, 1, 'W');
      const b = optionalTensor('Conv', inputs, 2, 'B');
      const kernel = convKernel('Conv', x, w, a.kernel_shape);
      const [batch, inChannels] = x.dims;
      const outChannels = w.dims[0];
      checkConvWeights('Conv', w, a.group, inChannels);
      checkBias('Conv', b, x.type, outChannels);
      const window = slidingWindow('Conv', x.dims.slice(2), kernel, a);
      const outDims = [batch, outChannels, ...window.grid];
      const size = shapeSize(outDims);
      ctx.checkAllocation(x.type, size);
      const out = floatBuffer(x.type, size);
      if (b) fillBias(out, floatValues(b), batch, outChannels, shapeSize(window.grid));
      convolve({ batch, inChannels, outChannels, group: a.group, window }, floatValues(x), floatValues(w), out);
      return [floatTensor(x.type, out, outDims)];
    },
  }),
];
