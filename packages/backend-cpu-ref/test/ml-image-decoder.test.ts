// ImageDecoder on small files made with ImageMagick from one 3×2 picture (rows: red, green, blue; (10, 20, 30),
// (200, 100, 50), white), each in a lossless encoding, so the decoded pixels must be exactly the source ones. The
// lossy JPEG and WebP paths are checked bit for bit by the ONNX node tests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { plain, rejects, runTensor } from './tensor-harness.js';

const FILES: Record<string, string> = {
  'PNG RGB': 'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAGElEQVQI12P4z8DAAMFcInInUoz+//8PADwZB5U7Nd4BAAAAAElFTkSuQmCC',
  'PNG 16-bit': 'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACEAIAAABChi0OAAAAJklEQVQI12P4/5+BgYGBgQGJ5uISEZGTO3EiJcXI6P///////wcA4qwPKZDuwu8AAAAASUVORK5CYII=',
  'PNG RGBA': 'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAYAAACddGYaAAAAIklEQVQI12P8z8DQwPifgYGB8T8DE7eIHMOJVCOG//8ZGABa6wcdIttf5QAAAABJRU5ErkJggg==',
  'PNG palette': 'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACBAMAAABvWnspAAAAElBMVEX/AAAA/wAAAP8KFB7IZDL///8+M/n2AAAADklEQVQI12NgVGAwCQAAAUMApm7mwhAAAAAASUVORK5CYII=',
  BMP: 'Qk1OAAAAAAAAADYAAAAoAAAAAwAAAAIAAAABABgAAAAAABgAAAAAAAAAAAAAAAAAAAAAAAAAHhQKMmTI////AAAAAAD/AP8A/wAAAAAA',
  'TIFF LZW': 'SUkqAB4AAACAP8AAAAwKCP8FBQPL4oBQbptmwEAAEAAAAQMAAQAAAAMAAAABAQMAAQAAAAIAAAACAQMAAwAAAOQAAAADAQMAAQAAAAUAAAAGAQMAAQAAAAIAAAAKAQMAAQAAAAEAAAARAQQAAQAAAAgAAAASAQMAAQAAAAEAAAAVAQMAAQAAAAMAAAAWAQMAAQAAAAIAAAAXAQQAAQAAABUAAAAcAQMAAQAAAAEAAAApAQMAAgAAAAAAAQA9AQMAAQAAAAIAAAA+AQUAAgAAABoBAAA/AQUABgAAAOoAAAAAAAAACAAIAAgAhetRAAAAgADD9agAAAAAAs3MTAAAAAABzcxMAAAAgADNzEwAAAAAAo/C9QAAAAAQNxqgAAAAAAIrhwoAAAAgAA==',
  PPM: 'UDYKMyAyCjI1NQr/AAAA/wAAAP8KFB7IZDL///8=',
  'WebP lossless': 'UklGRkIAAABXRUJQVlA4TDYAAAAvAkAAAC9AkG2zQdzr/jLTIJO2yV//dmZtZNI2rYf986+y8x9o5JGs+wYEApSx4oFtIvof4wU=',
  'JPEG 2000 lossless': 'AAAADGpQICANCocKAAAAFGZ0eXBqcDIgAAAAAGpwMiAAAAAtanAyaAAAABZpaGRyAAAAAgAAAAMAAwcHAAAAAAAPY29scgEAAAAAABAAAADKanAyY/9P/1EALwAAAAAAAwAAAAIAAAAAAAAAAAAAAAMAAAACAAAAAAAAAAAAAwcBAQcBAQcBAf9SAAwAAAABAQEEBAAB/1wAB0BASEhQ/2QAJQABQ3JlYXRlZCBieSBPcGVuSlBFRyB2ZXJzaW9uIDIuNS4w/5AACgAAAAAATwAB/5PPtAwFp/PPtAwGNqPPtAwLtA/B84KfgBw+0CACvwqS4QXLz8AKfgBz8wIIEwLj2wK5z8AKfgCT8wIHKwsIzr8AcP/Z',
};
/** Gray files: their stored levels, read from the files' sample bytes. */
const GRAY_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAAAAAC4HznGAAAAEElEQVQI12Mw2ybE/F1wDwAJ7wLG2/P6uQAAAABJRU5ErkJggg==';
const GRAY_PGM = 'UDUKMyAyCjI1NQo2thITdv8=';

const RGB = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 200, 100, 50, 255, 255, 255];

const encoded = (base64: string | Uint8Array) => {
  const bytes = typeof base64 === 'string' ? Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)) : base64;
  return new Tensor('uint8', bytes, [bytes.length]);
};
const decode = async (data: string | Uint8Array, pixel_format = 'RGB') =>
  plain(await runTensor('ImageDecoder', [encoded(data)], { pixel_format }, { opset: 20 }));

for (const [name, base64] of Object.entries(FILES)) {
  test(`${name} decodes to the source pixels, [H, W, 3]`, async () => {
    assert.equal(await decode(base64), { dims: [2, 3, 3], data: RGB });
  });
}

test('BGR reverses the channels', async () => {
  const bgr = [0, 0, 255, 0, 255, 0, 255, 0, 0, 30, 20, 10, 50, 100, 200, 255, 255, 255];
  assert.equal(await decode(FILES['PNG RGB'], 'BGR'), { dims: [2, 3, 3], data: bgr });
});

test('Grayscale uses the rounded ITU-R 601-2 luma (299 R + 587 G + 114 B) / 1000', async () => {
  // e.g. (200, 100, 50) → 59.8 + 58.7 + 5.7 = 124.2 → 124.
  assert.equal(await decode(FILES.BMP, 'Grayscale'), { dims: [2, 3, 1], data: [76, 150, 29, 18, 124, 255] });
});

test('gray files keep their levels, and RGB repeats them', async () => {
  assert.equal(await decode(GRAY_PGM, 'Grayscale'), { dims: [2, 3, 1], data: [54, 182, 18, 19, 118, 255] });
  assert.equal((await decode(GRAY_PNG, 'Grayscale')).data, [54, 182, 18, 18, 117, 255]);
  assert.equal((await decode(GRAY_PNG)).data.slice(0, 6), [54, 54, 54, 182, 182, 182]);
});

test('unknown or damaged data and bad arguments are clear errors', async () => {
  await rejects(() => decode(Uint8Array.from([1, 2, 3, 4])), /not a BMP, JPEG, JPEG 2000, PNG, PNM, TIFF or WebP image/);
  const png = encoded(FILES['PNG RGB']).data as Uint8Array;
  await rejects(() => decode(png.subarray(0, 40)), /PNG data could not be decoded/);
  await rejects(() => decode(Uint8Array.from([0xff, 0xd8, 0xff, 0, 1, 2])), /JPEG data could not be decoded \(.*no image/);
  await rejects(() => decode(encoded(FILES['WebP lossless']).data.slice(0, 20) as Uint8Array), /WebP data could not be decoded/);
  const jp2 = encoded(FILES['JPEG 2000 lossless']).data as Uint8Array;
  await rejects(() => decode(jp2.subarray(0, 120)), /JPEG 2000 data could not be decoded/);
  await rejects(() => decode(FILES.PPM, 'CMYK'), /pixel_format 'CMYK'/);
  const twoD = new Tensor('uint8', new Uint8Array(4), [2, 2]);
  await rejects(() => runTensor('ImageDecoder', [twoD], {}, { opset: 20 }), /1-D uint8 tensor/);
});

test.run();
