/**
 * Where a convolution or pooling window sits: cpu-ref's placement (the ONNX rules for pads, auto_pad, ceil_mode),
 * undefined for attributes that describe no window, and the 1-D case seen as 2-D for the kernels.
 */
import type { Window } from '@onnx-ts/backend-cpu-ref';

export { placeWindow, type Window, type WindowAttrs } from '@onnx-ts/backend-cpu-ref';

/** A 1-D window as a 2-D one of height 1, so the 2-D kernels serve both. */
export function as2d(w: Window): Window {
  if (w.image.length === 2) return w;
  return {
    image: [1, w.image[0]], grid: [1, w.grid[0]], kernel: [1, w.kernel[0]], strides: [1, w.strides[0]],
    dilations: [1, w.dilations[0]], padBegin: [0, w.padBegin[0]], padEnd: [0, w.padEnd[0]],
  };
}
