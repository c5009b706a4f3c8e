import { Tensor, allocData, attr, bitsPerElement, defineKernel, dtypeFromCode, type DType, type TypedArray } from '@onnx-ts/core';
import { tensorInputs } from './common.js';
import { wrapToBits } from './cast-values.js';

const SIGNED_SUB_BYTE: readonly DType[] = ['int4', 'int2'];

/** Reinterprets the bits of each element as `to`, which must have the same width; little-endian like JS typed arrays. */
function bitCast(x: Tensor, to: DType): Tensor {
  if (x.type === 'string' || to === 'string') throw new Error(`BitCast: strings have no bit pattern (from ${x.type} to ${to})`);
  const width = bitsPerElement(x.type);
  if (bitsPerElement(to) !== width) {
    throw new Error(`BitCast: ${x.type} is ${width} bits but ${to} is ${bitsPerElement(to)}; widths must match`);
  }
  const out = allocData(to, x.size) as TypedArray;
  if (width < 8) {
    // Sub-byte types hold one unpacked value per slot: keep the low bits, sign-extend for int4/int2.
    const values = x.data as Int8Array | Uint8Array;
    const signed = SIGNED_SUB_BYTE.includes(to);
    for (let i = 0; i < x.size; i++) out[i] = wrapToBits(values[i], width, signed);
  } else {
    const src = x.data as TypedArray;
    new Uint8Array(out.buffer).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
  }
  return new Tensor(to, out as never, x.dims);
}

export default [
  defineKernel({
    op: 'BitCast', since: 26,
    attrs: { to: attr.int.required() },
    run: (inputs, { to }) => [bitCast(tensorInputs('BitCast', inputs, 1)[0], dtypeFromCode(to))],
  }),
];
