/**
 * Numeric data of this family in its compute representation, built on the shared dtype dispatch: numbers for the
 * float and small integer types (through toNumbers/fromNumbers), the bigint storage itself for int64/uint64 so no
 * precision is lost. `Arith` lets one loop serve both representations.
 */
import { Tensor, allocData, bitsPerElement, type DType } from '@onnx-ts/core';
import { fromNumbers, numericKind, toNumbers, type NumericKind } from '../../util/elementwise.js';

/** Indexable, writable storage of numbers or bigints. */
export interface Buffer<T> {
  readonly length: number;
  [i: number]: T;
}

export interface Arith<T> {
  zero: T;
  one: T;
  add(a: T, b: T): T;
  mul(a: T, b: T): T;
}

const floatArith: Arith<number> = { zero: 0, one: 1, add: (a, b) => a + b, mul: (a, b) => a * b };
/** Small integers keep the exact low 32 bits, as their two's-complement storage wraps. */
const intArith: Arith<number> = { zero: 0, one: 1, add: (a, b) => (a + b) | 0, mul: Math.imul };
/** 64-bit integers wrap at 64 bits; storing into a BigUint64Array maps the signed result to the same bits. */
const bigArith: Arith<bigint> = {
  zero: 0n,
  one: 1n,
  add: (a, b) => BigInt.asIntN(64, a + b),
  mul: (a, b) => BigInt.asIntN(64, a * b),
};

export function arithFor(kind: 'float' | 'int'): Arith<number>;
export function arithFor(kind: 'bigint'): Arith<bigint>;
export function arithFor(kind: NumericKind): Arith<number> | Arith<bigint>;
export function arithFor(kind: NumericKind): Arith<number> | Arith<bigint> {
  return kind === 'bigint' ? bigArith : kind === 'int' ? intArith : floatArith;
}

export type NumericData =
  | { kind: 'float' | 'int'; values: Float64Array }
  | { kind: 'bigint'; values: BigInt64Array | BigUint64Array };

/** A numeric tensor's elements in compute representation (a copy for number kinds, the storage for bigints). */
export function readNumeric(t: Tensor): NumericData {
  const kind = numericKind(t.type);
  if (kind === 'bigint') return { kind, values: t.data as BigInt64Array | BigUint64Array };
  return { kind, values: toNumbers(t) };
}

/** Zeroed compute storage for `size` elements of `type`. */
export function allocNumeric(type: DType, size: number): Float64Array | BigInt64Array | BigUint64Array {
  return numericKind(type) === 'bigint' ? (allocData(type, size) as BigInt64Array | BigUint64Array) : new Float64Array(size);
}

/** A tensor of `type` from compute storage made by allocNumeric or readNumeric. */
export function numericTensor(type: DType, values: Float64Array | BigInt64Array | BigUint64Array, dims: readonly number[]): Tensor {
  if (values instanceof Float64Array) return fromNumbers(type, values, dims);
  return new Tensor(type, values, dims);
}

/** Smallest and largest value of an integer or bool type, as its compute representation holds them. */
export function integerRange(type: DType): [min: number, max: number] {
  if (type === 'bool') return [0, 1];
  const bits = bitsPerElement(type);
  return type.startsWith('u') ? [0, 2 ** bits - 1] : [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
}

export function bigintRange(type: DType): [min: bigint, max: bigint] {
  return type === 'uint64' ? [0n, 2n ** 64n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
}
