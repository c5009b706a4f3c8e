/**
 * ConvInteger (int32 output) and QLinearConv (requantized 8-bit output) on the integer convolution. Fast path: 1-D
 * and 2-D convolutions of 8-bit x and w, a per-tensor x zero point, per-tensor or per-output-channel w parameters.
 */
import { Tensor, type KernelInputs } from '@onnx-ts/core';
import { toNumbers } from '@onnx-ts/backend-cpu-ref';
import { conv2dGeometry, type Conv2d, type ConvAttributes } from '../conv-geometry.js';
import { BYTE_TYPES, absent, isScalar, isScalarOrVector, tensorOf, withFastPath } from '../delegate.js';
import { expandZeroPoints } from '../int-gemm.js';
import { integerConv, type ByteData } from '../int-ops.js';
import { PER_ROW, PER_TENSOR, runtime } from '../runtime.js';
import { byteRange } from './integer-matmul.js';

interface ConvInputs {
  x: Tensor;
  w: Tensor;
  g: Conv2d;
  xZero: number;
  wZeros: Int32Array;
}

/** x, w, geometry and zero points when the fast path applies (zero points at inputs xZpAt and wZpAt). */
function convInputs(inputs: KernelInputs, xAt: number, wAt: number, xZpAt: number, wZpAt: number, attrs: ConvAttributes): ConvInputs | undefined {
  const x = tensorOf(inputs, xAt, BYTE_TYPES);
  const w = tensorOf(inputs, wAt, BYTE_TYPES);
  if (!x || !w) return undefined;
  const g = conv2dGeometry(x.dims, w.dims, attrs);
  if (!g) return undefined;
  let xZero = 0;
  if (!absent(inputs, xZpAt)) {
    const zp = tensorOf(inputs, xZpAt, [x.type]);
    if (!zp || !isScalar(zp)) return undefined;
    xZero = zp.data[0] as number;
  }
  let wZeros: Int32Array = new Int32Array(g.outChannels);
  if (!absent(inputs, wZpAt)) {
    const zp = tensorOf(inputs, wZpAt, [w.type]);
    if (!zp || !isScalarOrVector(zp, g.outChannels)) return undefined;
    wZeros = expandZeroPoints(zp.data as ByteData, g.outChannels);
  }
  return { x, w, g, xZero, wZeros };
}

const convInteger = withFastPath('ConvInteger', (inputs, attrs: ConvAttributes, ctx) => {
  const c = convInputs(inputs, 0, 1, 2, 3, attrs);
  if (!c) return undefined;
  const { g } = c;
  const pixels = g.oh * g.ow;
  const size = g.batch * g.outChannels * pixels;
  ctx.checkAllocation('int32', size);
  const rt = runtime();
  const data = rt.withScratch((scratch) => {
    const out = scratch.alloc(size * 4);
    integerConv(rt, scratch, { x: c.x.data as ByteData, xZero: c.xZero, w: c.w, wZeros: c.wZeros }, g, ({ acc, image, channel0, p0 }) => {
      rt.exports.copyRows(acc.at, acc.ldc, acc.rows, acc.cols, out + ((image * g.outChannels + channel0) * pixels + p0) * 4, pixels * 4);
    });
    return rt.read(Int32Array, out, size);
  });
  return [new Tensor('int32', data, g.outDims)];
});

const qlinearConv = withFastPath('QLinearConv', (inputs, attrs: ConvAttributes, ctx) => {
  // Inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B.
  const c = convInputs(inputs, 0, 3, 2, 5, attrs);
  const xScale = tensorOf(inputs, 1, ['float32']);
  const wScale = tensorOf(inputs, 4, ['float32']);
  const yScale = tensorOf(inputs, 6, ['float32']);
  const yZp = tensorOf(inputs, 7, BYTE_TYPES);
  if (!c || !xScale || !wScale || !yScale || !yZp || absent(inputs, 2) || absent(inputs, 5)) return undefined;
  const { g } = c;
  if (!isScalar(xScale) || !isScalar(yScale) || !isScalar(yZp) || !isScalarOrVector(wScale, g.outChannels)) return undefined;
  let bias: Int32Array | undefined;
  if (!absent(inputs, 8)) {
    const b = tensorOf(inputs, 8, ['int32']);
    if (!b || b.dims.length !== 1 || b.size !== g.outChannels) return undefined;
    bias = b.data as Int32Array;
  }
  const [xs] = toNumbers(xScale);
  const [ys] = toNumbers(yScale);
  const ws = toNumbers(wScale);
  // The multiplier x_scale·w_scale/y_scale is formed in float32, the scales' type.
  const multipliers = Float64Array.from({ length: g.outChannels }, (_, m) => Math.fround(Math.fround(xs * ws[ws.length === 1 ? 0 : m]) / ys));
  const [lo, hi] = byteRange(yZp.type);
  const [yZero] = toNumbers(yZp);
  const pixels = g.oh * g.ow;
  const size = g.batch * g.outChannels * pixels;
  ctx.checkAllocation(yZp.type, size);
  const rt = runtime();
  const data = rt.withScratch((scratch) => {
    const out = scratch.alloc(size);
    const mult = scratch.put(multipliers);
    const biasAt = bias ? scratch.put(bias) : 0;
    integerConv(rt, scratch, { x: c.x.data as ByteData, xZero: c.xZero, w: c.w, wZeros: c.wZeros }, g, ({ acc, image, channel0, p0 }) => {
      rt.exports.requantize(
        acc.at, acc.ldc, acc.rows, acc.cols,
        biasAt && biasAt + channel0 * 4, PER_ROW, mult + channel0 * 8, PER_ROW, yZero, lo, hi,
        out + (image * g.outChannels + channel0) * pixels + p0, pixels,
      );
    });
    return yZp.type === 'int8' ? rt.read(Int8Array, out, size) : rt.read(Uint8Array, out, size);
  });
  return [new Tensor(yZp.type, data, g.outDims)];
});

export default [...convInteger, ...qlinearConv];
