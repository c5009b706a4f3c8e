// Entry of the 'arm' backend's WebAssembly kernels. Pointers are byte offsets into this module's memory, which the
// JavaScript side manages (see src/runtime.ts); nothing here allocates.
export { gemmI16, gemmI8, hasRelaxedDot, addCorrections } from './gemm-int';
export { rowsI16, packI16, rowsI8, packI8, im2col } from './pack';
export { gemmF32, halfToFloatArray, floatToHalfArray } from './gemm-float';
export { gemmJob } from './jobs';
export { requantize, scaleToFloat, scaleToBytes, copyRows, quantize, dequantize, rangeWithZero, maxBytes, mapBytes, maxPoolBytes, addToBytes, addToFloat } from './quant';

/** First free byte after the module's static data. */
export function heapBase(): usize {
  return __heap_base;
}
