/**
 * The one dtype dispatch of the reference backend: elementwise maps over tensors of any numeric type.
 * float16/bfloat16/float8/float4 are decoded to numbers, computed, and encoded back; int64/uint64 compute in bigint
 * so no precision is lost; every other type computes on its typed array directly.
 */
import {
  Tensor, allocData, broadcastIndex, broadcastShapes, decodeFloatCode, encodeFloatCode, isBigIntType, isEncodedFloat,
  shapeSize, type DType, type TensorData,
} from '@onnx-ts/core';

/** Per-representation implementations of an operation; a missing one means the type is unsupported. */
export interface ElementFns {
  /** float32/float64 and the decoded low-precision float types. */
  float?: (...args: number[]) => number | boolean;
  /** 8/16/32-bit integers, bool (0/1), and int4/uint4/int2/uint2 values. */
  int?: (...args: number[]) => number | boolean;
  /** int64 and uint64. */
  bigint?: (...args: bigint[]) => bigint | number | boolean;
}

export type NumericKind = 'float' | 'int' | 'bigint';

export function numericKind(type: DType): NumericKind {
  if (isBigIntType(type)) return 'bigint';
  if (type === 'float32' || type === 'float64' || isEncodedFloat(type)) return 'float';
  if (type === 'string' || type === 'complex64' || type === 'complex128') {
    throw new Error(`element type '${type}' is not numeric here`);
  }
  return 'int';
}

/** Reads a numeric tensor as plain numbers (float codes decoded; 64-bit ints converted, losing precision past 2^53). */
export function toNumbers(t: Tensor): Float64Array {
  const out = new Float64Array(t.size);
  const data = t.data;
  if (isEncodedFloat(t.type)) {
    const codes = data as Uint16Array | Uint8Array;
    for (let i = 0; i < out.length; i++) out[i] = decodeFloatCode(t.type, codes[i]);
  } else if (isBigIntType(t.type)) {
    const big = data as BigInt64Array | BigUint64Array;
    for (let i = 0; i < out.length; i++) out[i] = Number(big[i]);
  } else {
    out.set(data as ArrayLike<number>);
  }
  return out;
}

/** Builds a tensor of `type` from numbers, encoding float codes, truncating/wrapping integers as a typed array does. */
export function fromNumbers(type: DType, values: ArrayLike<number>, dims: readonly number[]): Tensor {
  const data = allocData(type, values.length);
  if (isEncodedFloat(type)) {
    const codes = data as Uint16Array | Uint8Array;
    for (let i = 0; i < values.length; i++) codes[i] = encodeFloatCode(type, values[i]);
  } else if (isBigIntType(type)) {
    const big = data as BigInt64Array;
    for (let i = 0; i < values.length; i++) big[i] = BigInt(Math.trunc(values[i]));
  } else if (type === 'bool') {
    const b = data as Uint8Array;
    for (let i = 0; i < values.length; i++) b[i] = values[i] ? 1 : 0;
  } else {
    (data as Float64Array).set(values);
  }
  return new Tensor(type, data, dims);
}

/** Reads element i of a numeric tensor in its compute representation: float codes decoded, int64/uint64 as bigint. */
export function elementReader(t: Tensor): (i: number) => number | bigint {
  const data = t.data as ArrayLike<number | bigint>;
  if (isEncodedFloat(t.type)) return (i) => decodeFloatCode(t.type, data[i] as number);
  return (i) => data[i];
}

/** Stores computed values into `data`, storage of `type`, encoding float codes and bools. */
function writer(type: DType, storage: TensorData): (i: number, v: number | bigint | boolean) => void {
  const data = storage as unknown as { [i: number]: number | bigint };
  if (isEncodedFloat(type)) return (i, v) => { data[i] = encodeFloatCode(type, Number(v)); };
  if (type === 'bool') return (i, v) => { data[i] = v ? 1 : 0; };
  if (isBigIntType(type)) return (i, v) => { data[i] = typeof v === 'bigint' ? v : BigInt(v); };
  return (i, v) => { data[i] = Number(v); };
}

type AnyFn = (...args: (number | bigint)[]) => number | bigint | boolean;

function pick(fns: ElementFns, type: DType, opName: string): AnyFn {
  const fn = fns[numericKind(type)];
  if (!fn) throw new Error(`${opName}: element type '${type}' is not supported`);
  return fn as AnyFn;
}

/** Applies fn elementwise; the output type defaults to the input's. */
export function mapUnary(opName: string, x: Tensor, fns: ElementFns, outType: DType = x.type): Tensor {
  const fn = pick(fns, x.type, opName);
  const get = elementReader(x);
  const data = allocData(outType, x.size);
  const set = writer(outType, data);
  for (let i = 0; i < x.size; i++) set(i, fn(get(i)));
  return new Tensor(outType, data as never, x.dims);
}

/** The shape of broadcasting tensors together, and for each input the offset of its element behind each output element. */
export interface BroadcastPlan {
  dims: number[];
  size: number;
  /** Per input; undefined when the input already has the output's shape, so element i is at offset i. */
  indexes: (Int32Array | undefined)[];
  /** Zeroed storage for the output, allocated before the index maps so that an oversized output fails first, clearly. */
  out: TensorData;
}

/** Multidirectional broadcast of tensors of any element types (string and complex included) into an output of `outType`. */
export function broadcastPlan(inputs: readonly Tensor[], outType: DType): BroadcastPlan {
  const dims = broadcastShapes(...inputs.map((t) => t.dims));
  const size = shapeSize(dims);
  const out = allocData(outType, size);
  return { dims, size, out, indexes: inputs.map((t) => broadcastIndex(dims, t.dims)) };
}

function mapBroadcastWith(inputs: readonly Tensor[], fn: AnyFn, outType: DType): Tensor {
  const { dims: outDims, size, indexes, out: data } = broadcastPlan(inputs, outType);
  const readers = inputs.map(elementReader);
  const set = writer(outType, data);
  if (inputs.length === 2) {
    const [ia, ib] = indexes;
    const [ra, rb] = readers;
    for (let i = 0; i < size; i++) set(i, fn(ra(ia ? ia[i] : i), rb(ib ? ib[i] : i)));
  } else {
    const args = new Array<number | bigint>(inputs.length);
    for (let i = 0; i < size; i++) {
      for (let k = 0; k < inputs.length; k++) {
        const idx = indexes[k];
        args[k] = readers[k](idx ? idx[i] : i);
      }
      set(i, fn(...args));
    }
  }
  return new Tensor(outType, data as never, outDims);
}

/**
 * Applies fn elementwise over broadcast inputs of one element type (the first input's); the output type defaults to
 * it. Used by every n-ary elementwise op, so broadcasting lives here only.
 */
export function mapBroadcast(
  opName: string,
  inputs: readonly Tensor[],
  fns: ElementFns,
  outType: DType = inputs[0].type,
): Tensor {
  const type = inputs[0].type;
  for (const t of inputs) {
    if (t.type !== type) throw new Error(`${opName}: inputs have different element types (${type} and ${t.type})`);
  }
  return mapBroadcastWith(inputs, pick(fns, type, opName), outType);
}

/**
 * Like mapBroadcast for inputs whose numeric element types differ (Pow's base and exponent): fn receives each input's
 * element in that input's compute representation (number, or bigint for int64/uint64).
 */
export function mapBroadcastMixed(
  opName: string,
  inputs: readonly Tensor[],
  fn: (...args: (number | bigint)[]) => number | bigint | boolean,
  outType: DType,
): Tensor {
  for (const [k, t] of inputs.entries()) {
    if (t.type === 'string' || t.type === 'complex64' || t.type === 'complex128') {
      throw new Error(`${opName}: input ${k} has element type '${t.type}', expected a numeric type`);
    }
  }
  return mapBroadcastWith(inputs, fn, outType);
}
