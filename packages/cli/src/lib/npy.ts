/**
 * Reading NumPy .npy files: the magic string, a version, a header length, then a Python dict literal header
 * ({'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }) followed by the raw elements.
 */
import { Tensor, allocData, type DType, type TensorData } from '@onnx-ts/core';
import { CliError } from './errors.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** NumPy type codes (kind letter + byte size) and the element type they hold. */
const DESCR_TYPES: Record<string, DType> = {
  b1: 'bool', i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64', u1: 'uint8', u2: 'uint16', u4: 'uint32', u8: 'uint64',
  f2: 'float16', f4: 'float32', f8: 'float64', c8: 'complex64', c16: 'complex128',
};

function headerField(header: string, key: string, pattern: string, file: string): string {
  const m = new RegExp(`'${key}'\\s*:\\s*${pattern}`).exec(header);
  if (!m) throw new CliError(`${file}: .npy header has no '${key}' field`);
  return m[1];
}

export function parseNpy(bytes: Uint8Array, file: string): Tensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new CliError(`${file}: not a .npy file (bad magic bytes)`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [headerLength, headerStart] = major === 1 ? [view.getUint16(8, true), 10] : [view.getUint32(8, true), 12];
  if (major < 1 || major > 3) throw new CliError(`${file}: unsupported .npy version ${major}.${bytes[7]}`);
  if (headerStart + headerLength > bytes.length) throw new CliError(`${file}: .npy header is truncated`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));

  const descr = headerField(header, 'descr', "'([^']*)'", file);
  const fortran = headerField(header, 'fortran_order', '(True|False)', file) === 'True';
  const shapeText = headerField(header, 'shape', '\\(([^)]*)\\)', file);
  const dims = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new CliError(`${file}: bad .npy shape (${shapeText})`);

  const order = descr[0];
  const type = DESCR_TYPES[descr.slice(1)];
  if (!'<>|='.includes(order) || !type) {
    throw new CliError(`${file}: .npy element type '${descr}' is not supported (numbers and bools only)`);
  }
  if (fortran && dims.length > 1) throw new CliError(`${file}: Fortran-order .npy arrays are not supported; save np.ascontiguousarray(x)`);

  const count = dims.reduce((a, b) => a * b, 1);
  const itemSize = Number(descr.slice(2));
  const body = bytes.subarray(headerStart + headerLength);
  if (body.length < count * itemSize) {
    throw new CliError(`${file}: .npy data holds ${body.length} bytes, shape [${dims.join(', ')}] of '${descr}' needs ${count * itemSize}`);
  }
  // Copy into a fresh, aligned buffer; swap bytes of big-endian data.
  const raw = body.slice(0, count * itemSize);
  if (order === '>') {
    const unit = type.startsWith('complex') ? itemSize / 2 : itemSize;
    for (let i = 0; i < raw.length; i += unit) raw.subarray(i, i + unit).reverse();
  }
  const data = allocData(type, count) as Exclude<TensorData, string[]>;
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(raw);
  return new Tensor(type, data, dims);
}
