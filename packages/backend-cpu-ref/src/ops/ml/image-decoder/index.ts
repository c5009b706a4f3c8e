import { Tensor, attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../common.js';
import { decodeImage, sniffFormat, type Pixels } from './codecs.js';

const OP = 'ImageDecoder';

/** Gray level of an RGB pixel: ITU-R 601-2 luma in 16-bit fixed point, rounded, exactly as Pillow's convert('L'). */
function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

/** Lays decoded pixels out as [H, W, C] uint8: RGB, BGR, or one gray channel. Alpha is dropped. */
function toPixelFormat(p: Pixels, format: string): Tensor {
  const count = p.width * p.height;
  const gray = format === 'Grayscale';
  const out = new Uint8Array(count * (gray ? 1 : 3));
  for (let i = 0; i < count; i++) {
    const at = i * p.channels;
    const color = p.channels >= 3;
    const r = p.data[at];
    const g = color ? p.data[at + 1] : r;
    const b = color ? p.data[at + 2] : r;
    if (gray) {
      out[i] = color ? luma(r, g, b) : r;
      continue;
    }
    const bgr = format === 'BGR';
    out[i * 3] = bgr ? b : r;
    out[i * 3 + 1] = g;
    out[i * 3 + 2] = bgr ? r : b;
  }
  return new Tensor('uint8', out, [p.height, p.width, gray ? 1 : 3]);
}

/**
 * Decodes an encoded image (a 1-D uint8 tensor holding a BMP, JPEG, JPEG 2000, PNG, PNM, TIFF or WebP file) into
 * [H, W, C] uint8 pixels in `pixel_format` RGB, BGR or Grayscale.
 */
export default [
  defineKernel({
    op: OP, since: 20,
    dtypes: ['uint8'],
    attrs: { pixel_format: attr.string('RGB') },
    run: async ([input], { pixel_format }, ctx) => {
      const encoded = tensorInput(OP, input, 'encoded_stream');
      if (encoded.type !== 'uint8' || encoded.dims.length !== 1) {
        throw new Error(`${OP}: encoded_stream should be a 1-D uint8 tensor, got ${encoded.type} [${encoded.dims.join(', ')}]`);
      }
      if (pixel_format !== 'RGB' && pixel_format !== 'BGR' && pixel_format !== 'Grayscale') {
        throw new Error(`${OP}: pixel_format '${pixel_format}' is not RGB, BGR or Grayscale`);
      }
      const bytes = encoded.data as Uint8Array;
      const format = sniffFormat(bytes);
      if (!format) throw new Error(`${OP}: the data is not a BMP, JPEG, JPEG 2000, PNG, PNM, TIFF or WebP image`);
      const pixels = await decodeImage(bytes, format);
      ctx.checkAllocation('uint8', pixels.width * pixels.height * (pixel_format === 'Grayscale' ? 1 : 3));
      return [toPixelFormat(pixels, pixel_format)];
    },
  }),
];
