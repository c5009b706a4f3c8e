/** Element types: onnxruntime's names plus the rest of ONNX, with their TensorProto.DataType codes. */

export type DType =
  | 'float32' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32' | 'int64' | 'string' | 'bool'
  | 'float16' | 'float64' | 'uint32' | 'uint64' | 'complex64' | 'complex128' | 'bfloat16'
  | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'uint4' | 'int4'
  | 'float4e2m1' | 'float8e8m0' | 'uint2' | 'int2';

/** The JS storage for each element type (see the README's table). */
export interface DataTypeMap {
  float32: Float32Array; float64: Float64Array;
  int8: Int8Array; int16: Int16Array; int32: Int32Array; int64: BigInt64Array;
  uint8: Uint8Array; uint16: Uint16Array; uint32: Uint32Array; uint64: BigUint64Array;
  bool: Uint8Array; string: string[];
  float16: Uint16Array; bfloat16: Uint16Array;
  float8e4m3fn: Uint8Array; float8e4m3fnuz: Uint8Array; float8e5m2: Uint8Array; float8e5m2fnuz: Uint8Array;
  float8e8m0: Uint8Array; float4e2m1: Uint8Array;
  int4: Int8Array; int2: Int8Array; uint4: Uint8Array; uint2: Uint8Array;
  complex64: Float32Array; complex128: Float64Array;
}

export type TypedArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

export type TensorData = TypedArray | string[];

/** TensorProto.DataType codes, indexed by code. */
const CODES: readonly (DType | undefined)[] = [
  undefined, 'float32', 'uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'string', 'bool',
  'float16', 'float64', 'uint32', 'uint64', 'complex64', 'complex128', 'bfloat16',
  'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'uint4', 'int4', 'float4e2m1',
  'float8e8m0', 'uint2', 'int2',
];

export const ALL_DTYPES: readonly DType[] = CODES.filter((c): c is DType => c !== undefined);

export function dtypeFromCode(code: number): DType {
  const t = CODES[code];
  if (t === undefined) throw new Error(`unknown ONNX element type code ${code}`);
  return t;
}

export function dtypeCode(type: DType): number {
  return CODES.indexOf(type);
}

export function isDType(s: unknown): s is DType {
  return typeof s === 'string' && (ALL_DTYPES as readonly string[]).includes(s);
}

type ArrayCtor = { new (n: number): TypedArray; BYTES_PER_ELEMENT: number };

/** Constructor of the storage array and how many array slots one element takes. */
const STORAGE: Record<Exclude<DType, 'string'>, [ArrayCtor, number]> = {
  float32: [Float32Array, 1], float64: [Float64Array, 1],
  int8: [Int8Array, 1], int16: [Int16Array, 1], int32: [Int32Array, 1], int64: [BigInt64Array, 1],
  uint8: [Uint8Array, 1], uint16: [Uint16Array, 1], uint32: [Uint32Array, 1], uint64: [BigUint64Array, 1],
  bool: [Uint8Array, 1], float16: [Uint16Array, 1], bfloat16: [Uint16Array, 1],
  float8e4m3fn: [Uint8Array, 1], float8e4m3fnuz: [Uint8Array, 1], float8e5m2: [Uint8Array, 1],
  float8e5m2fnuz: [Uint8Array, 1], float8e8m0: [Uint8Array, 1], float4e2m1: [Uint8Array, 1],
  int4: [Int8Array, 1], int2: [Int8Array, 1], uint4: [Uint8Array, 1], uint2: [Uint8Array, 1],
  complex64: [Float32Array, 2], complex128: [Float64Array, 2],
};

let allocationLimitBytes = 2 ** 31;

/** Sets the largest single allocation allocData allows; the executor sets each session's limit before a kernel runs. */
export function setAllocationLimit(bytes: number): void {
  allocationLimitBytes = bytes;
}

/** Allocates zeroed storage for `size` elements of `type`, refusing sizes beyond the allocation limit first. */
export function allocData<T extends DType>(type: T, size: number): DataTypeMap[T] {
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`cannot allocate ${size} elements of ${type}`);
  const bytes = type === 'string' ? size * 8 : size * (bitsPerElement(type) >= 8 ? bitsPerElement(type) / 8 : 1);
  if (bytes > allocationLimitBytes) {
    throw new Error(`a ${type} tensor of ${size} elements (${bytes} bytes) exceeds the allocation limit of ${allocationLimitBytes} bytes (session option maxTensorBytes)`);
  }
  if (type === 'string') return new Array<string>(size).fill('') as DataTypeMap[T];
  const [Ctor, slots] = STORAGE[type as Exclude<DType, 'string'>];
  return new Ctor(size * slots) as DataTypeMap[T];
}

/** Array slots per element: 2 for complex types, else 1. */
export function slotsPerElement(type: DType): number {
  return type === 'complex64' || type === 'complex128' ? 2 : 1;
}

/** Checks that `data` is the storage `type` expects; returns a message naming the mismatch, or undefined. */
export function storageMismatch(type: DType, data: unknown): string | undefined {
  if (type === 'string') return Array.isArray(data) ? undefined : `expected string[] for 'string'`;
  const storage = STORAGE[type as Exclude<DType, 'string'>];
  if (!storage) return `unknown type '${type}'`;
  const [Ctor] = storage;
  return data instanceof Ctor ? undefined : `expected ${Ctor.name} for '${type}', got ${describe(data)}`;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  return (v as object).constructor?.name ?? typeof v;
}

/** Bits per element as stored in TensorProto raw_data (sub-byte types are packed). */
export function bitsPerElement(type: DType): number {
  switch (type) {
    case 'int4': case 'uint4': case 'float4e2m1': return 4;
    case 'int2': case 'uint2': return 2;
    case 'string': return 0;
    default: {
      const [Ctor, slots] = STORAGE[type];
      return Ctor.BYTES_PER_ELEMENT * slots * 8;
    }
  }
}

export const FLOAT_DTYPES: readonly DType[] = ['float32', 'float64', 'float16', 'bfloat16'];
export const INT_DTYPES: readonly DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];
export const FLOAT8_DTYPES: readonly DType[] = ['float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz'];
export const NUMERIC_DTYPES: readonly DType[] = [...FLOAT_DTYPES, ...INT_DTYPES];

/** Element types whose storage holds bigint. */
export function isBigIntType(type: DType): type is 'int64' | 'uint64' {
  return type === 'int64' || type === 'uint64';
}

/** Element types stored as codes/bits and computed through float32. */
export function isEncodedFloat(type: DType): boolean {
  return type === 'float16' || type === 'bfloat16' || type.startsWith('float8') || type === 'float4e2m1';
}
