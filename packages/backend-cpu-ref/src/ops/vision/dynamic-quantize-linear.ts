/**
 * DynamicQuantizeLinear (opset 11): uint8 quantization with scale and zero point computed from x's range, the
 * range widened to include 0. Arithmetic follows the operator's function body, in float32.
 */
import { Tensor, defineKernel } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';
import { expectType, tensorInput } from './inputs.js';
import { clamp, roundHalfEven } from './numeric.js';
import { quantize } from './quantize-linear.js';

const OP = 'DynamicQuantizeLinear';

export default [
  defineKernel({
    op: OP, since: 11,
    run: ([xIn]) => {
      const x = tensorInput(OP, xIn, 'x');
      expectType(OP, x, 'x', ['float32']);
      const xs = toNumbers(x);
      let min = 0;
      let max = 0;
      for (let i = 0; i < xs.length; i++) {
        if (xs[i] < min) min = xs[i];
        if (xs[i] > max) max = xs[i];
      }
      const scale = Math.fround(Math.fround(max - min) / 255);
      // An all-zero x gives scale 0; its zero point is then 0 and so is every quantized value.
      const zeroPoint = scale === 0 ? 0 : roundHalfEven(clamp(0 - Math.fround(min / scale), 0, 255));
      const scaleT = new Tensor('float32', Float32Array.of(scale), []);
      const zeroPointT = new Tensor('uint8', Uint8Array.of(zeroPoint), []);
      const y = scale === 0
        ? new Tensor('uint8', new Uint8Array(x.size), x.dims)
        : quantize(x, scaleT, zeroPointT, { axis: 1, blockSize: 0, allow: 'tensor', saturate: true, divisionType: 'float32', outputType: 'uint8' });
      return [y, scaleT, zeroPointT];
    },
  }),
];
