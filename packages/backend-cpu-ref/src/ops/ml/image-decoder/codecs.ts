/// <reference path="./openjpeg.d.ts" />
/**
 * Decoders for every ImageDecoder format, loaded on first use: libjpeg-turbo (MozJPEG) and libwebp as WebAssembly
 * (@jsquash), OpenJPEG compiled to JS (@cornerstonejs/codec-openjpeg), and image-in-browser for BMP, PNG, PNM and
 * TIFF. The WebAssembly builds are the libraries Pillow uses, so lossy formats decode to the same pixels as the ONNX
 * reference. No Node module is imported: under Node the .wasm files are read through process.getBuiltinModule, and
 * in browsers the codecs fetch them. (The OpenJPEG build mentions `fs` and `path` in a branch only Node runs; browser
 * bundlers should treat those two as empty/external.)
 */

/** Decoded pixels: 8 bits per sample, `channels` interleaved samples per pixel, rows top to bottom. */
export interface Pixels {
  width: number;
  height: number;
  /** 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA. */
  channels: number;
  data: Uint8Array;
}

export type ImageFormat = 'jpeg' | 'png' | 'bmp' | 'tiff' | 'webp' | 'jpeg2000' | 'pnm';

const OP = 'ImageDecoder';

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** Recognizes the format by its signature bytes. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, ...ascii('PNG\r\n\x1a\n')])) return 'png';
  if (startsWith(bytes, ascii('BM'))) return 'bmp';
  if (startsWith(bytes, ascii('II*\0')) || startsWith(bytes, ascii('MM\0*'))) return 'tiff';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  // A JP2 file starts with its signature box; a bare codestream with the SOC and SIZ markers.
  if (startsWith(bytes, [0, 0, 0, 12, ...ascii('jP  \r\n\x87\n')]) || startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])) return 'jpeg2000';
  if (bytes[0] === 0x50 && bytes[1] >= 0x31 && bytes[1] <= 0x36) return 'pnm';
  return undefined;
}

export async function decodeImage(bytes: Uint8Array, format: ImageFormat): Promise<Pixels> {
  switch (format) {
    case 'jpeg':
      return decodeWithJsquash(bytes, 'JPEG', loadJpeg);
    case 'webp':
      return decodeWithJsquash(bytes, 'WebP', loadWebp);
    case 'jpeg2000':
      return decodeJpeg2000(bytes);
    default:
      return decodeWithImageInBrowser(bytes, format);
  }
}

type JsquashDecode = (buffer: ArrayBuffer) => Promise<ImageData>;

/**
 * The codecs report problems by printing them (libjpeg warnings, OpenJPEG errors); what the current decode printed
 * is collected here, kept off the console, and quoted when it fails.
 */
const messages: string[] = [];
const captureOutput = { print: (m: string) => messages.push(m), printErr: (m: string) => messages.push(m) };

function decodeFailure(name: string, cause: unknown): Error {
  const printed = messages.filter((m) => !m.startsWith('[INFO]')).map((m) => m.replace('[ERROR]', '').trim());
  // The codec's own words say more than its exception (often just an exit status).
  const thrown = (cause as { message?: string } | undefined)?.message ?? (cause === undefined ? '' : String(cause));
  const detail = (printed.length ? printed : [thrown]).filter(Boolean).join('; ');
  return new Error(`${OP}: the ${name} data could not be decoded${detail ? ` (${detail})` : ''}`);
}

async function decodeWithJsquash(bytes: Uint8Array, name: string, load: () => Promise<JsquashDecode>): Promise<Pixels> {
  const decode = await load();
  messages.length = 0;
  let image: ImageData;
  try {
    image = await decode(bytes.slice().buffer);
  } catch (e) {
    throw decodeFailure(name, e);
  }
  return { width: image.width, height: image.height, channels: 4, data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length) };
}

/** Loads a module once, sharing the pending promise; a failed load is retried next time. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((e: unknown) => {
      pending = undefined;
      throw e;
    });
    return pending;
  };
}

type JsquashModule = { default: JsquashDecode; init: (module: WebAssembly.Module | undefined, options: object) => Promise<void> };

const loadJpeg = once(async () => {
  const codec = (await import('@jsquash/jpeg/decode.js')) as unknown as JsquashModule;
  await codec.init(await nodeWasm('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'), captureOutput);
  return codec.default;
});

const loadWebp = once(async () => {
  const codec = (await import('@jsquash/webp/decode.js')) as unknown as JsquashModule;
  await codec.init(await nodeWasm('@jsquash/webp/codec/dec/webp_dec.wasm'), captureOutput);
  return codec.default;
});

/**
 * Under Node the @jsquash loaders cannot fetch their .wasm (fetch does not read files), so it is compiled here from
 * the installed package; in browsers this returns undefined and the codec fetches its file next to its script.
 */
async function nodeWasm(specifier: string): Promise<WebAssembly.Module | undefined> {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (!proc?.versions?.node) return undefined;
  const fs = proc.getBuiltinModule?.('node:fs') as { readFileSync(path: URL | string): Uint8Array } | undefined;
  if (!fs) throw new Error(`${OP}: loading the JPEG/WebP decoders needs Node 20.16 or newer (process.getBuiltinModule)`);
  return WebAssembly.compile(new Uint8Array(fs.readFileSync(resolveModule(specifier))));
}

interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

/** A file inside an installed package: import.meta.resolve in ES modules, require.resolve in the CommonJS build. */
function resolveModule(specifier: string): URL | string {
  if (typeof import.meta.resolve === 'function') return new URL(import.meta.resolve(specifier));
  if (typeof require === 'function') return require.resolve(specifier);
  throw new Error(`${OP}: cannot locate ${specifier}`);
}

interface OpenJpegDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}
type OpenJpeg = { J2KDecoder: new () => OpenJpegDecoder };

const loadOpenJpeg = once(async () => {
  const factory = (await import('@cornerstonejs/codec-openjpeg/decode')).default as (options: object) => Promise<OpenJpeg>;
  return factory(captureOutput);
});

async function decodeJpeg2000(bytes: Uint8Array): Promise<Pixels> {
  const openJpeg = await loadOpenJpeg();
  const decoder = new openJpeg.J2KDecoder();
  try {
    messages.length = 0;
    decoder.getEncodedBuffer(bytes.length).set(bytes);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (info.width === 0 || messages.some((m) => m.includes('[ERROR]'))) throw decodeFailure('JPEG 2000', undefined);
    if (info.componentCount > 4) throw new Error(`${OP}: JPEG 2000 images with ${info.componentCount} components are not supported`);
    if (info.isSigned) throw new Error(`${OP}: JPEG 2000 images with signed samples are not supported`);
    const samples = info.width * info.height * info.componentCount;
    const raw = decoder.getDecodedBuffer();
    // Samples are scaled to 8 bits; those wider than 8 bits come as 16-bit little-endian words.
    const wide = info.bitsPerSample > 8;
    const values = wide ? new Uint16Array(raw.slice(0, samples * 2).buffer) : raw;
    const data = new Uint8Array(samples);
    for (let i = 0; i < samples; i++) {
      data[i] = wide ? values[i] >> (info.bitsPerSample - 8) : values[i] << (8 - info.bitsPerSample);
    }
    return { width: info.width, height: info.height, channels: info.componentCount, data };
  } finally {
    decoder.delete();
  }
}

const loadImageInBrowser = once(() => import('image-in-browser'));

async function decodeWithImageInBrowser(bytes: Uint8Array, format: Exclude<ImageFormat, 'jpeg' | 'webp' | 'jpeg2000'>): Promise<Pixels> {
  const lib = await loadImageInBrowser();
  const decode = { png: lib.decodePng, bmp: lib.decodeBmp, tiff: lib.decodeTiff, pnm: lib.decodePnm }[format];
  messages.length = 0;
  let image;
  try {
    image = decode({ data: bytes });
  } catch (e) {
    throw decodeFailure(format.toUpperCase(), e);
  }
  if (!image) throw decodeFailure(format.toUpperCase(), undefined);
  // To 8-bit RGB: palettes are expanded, gray replicated, deeper samples scaled down and alpha dropped.
  const rgb = image.convert({ format: lib.Format.uint8, numChannels: 3, withPalette: false });
  return { width: rgb.width, height: rgb.height, channels: 3, data: rgb.getBytes() };
}
