/** TensorProto ⇄ Tensor, and the test-data containers SequenceProto, MapProto and OptionalProto ⇄ values. */
import { packSubByte, unpackSubByte } from '../codecs.js';
import { allocData, bitsPerElement, dtypeCode, dtypeFromCode, isBigIntType, slotsPerElement, type DType } from '../dtype.js';
import type { SparseTensor } from '../ir.js';
import { Tensor, type MapKey, type Value } from '../tensor.js';
import { decodeMessage, encodeMessage, longToBigInt, longToNumber, type LongLike } from './wire.js';

type Long = LongLike | number;

export interface StringEntry {
  key: string;
  value: string;
}

export interface TensorMessage {
  dims?: Long[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  string_data?: Uint8Array[];
  int64_data?: Long[];
  name?: string;
  doc_string?: string;
  raw_data?: Uint8Array;
  external_data?: StringEntry[];
  data_location?: number;
  double_data?: number[];
  uint64_data?: Long[];
  metadata_props?: StringEntry[];
}

export interface SparseTensorMessage {
  values?: TensorMessage;
  indices?: TensorMessage;
  dims?: Long[];
}

/** Reads the bytes of a tensor stored outside the model file. */
export type ExternalDataReader = (location: string, offset: number, length: number | undefined) => Uint8Array;

/** Largest element count a single tensor may declare; beyond this a file is considered corrupt. */
export const MAX_TENSOR_ELEMENTS = 2 ** 32;

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

function describeTensor(m: TensorMessage): string {
  return m.name ? `tensor '${m.name}'` : 'tensor';
}

export function dimsOf(m: { dims?: Long[] }, what: string): number[] {
  const dims = (m.dims ?? []).map(longToNumber);
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new Error(`${what} has invalid dimension ${d}`);
    count *= d;
  }
  if (count > MAX_TENSOR_ELEMENTS) throw new Error(`${what} declares ${count} elements, more than the limit ${MAX_TENSOR_ELEMENTS}`);
  return dims;
}

/** Copies little-endian bytes into a fresh typed array (raw_data may be unaligned). */
function fromRaw(type: DType, raw: Uint8Array, count: number, what: string): Tensor['data'] {
  const bits = bitsPerElement(type);
  const expected = Math.ceil((count * bits) / 8);
  if (raw.length !== expected) {
    throw new Error(`${what}: raw_data holds ${raw.length} bytes, dims need ${expected} for ${count} ${type} elements`);
  }
  if (bits < 8) {
    const values = unpackSubByte(raw, count, bits as 4 | 2, type === 'int4' || type === 'int2');
    const out = allocData(type, count) as Int8Array | Uint8Array;
    out.set(values);
    return out;
  }
  const out = allocData(type, count);
  new Uint8Array((out as Uint8Array).buffer).set(raw);
  return out;
}

function fromFields(type: DType, m: TensorMessage, count: number, what: string): Tensor['data'] {
  const slots = count * slotsPerElement(type);
  const need = (field: string, have: number, wanted: number): void => {
    if (have !== wanted) throw new Error(`${what}: ${field} holds ${have} values, dims need ${wanted}`);
  };
  switch (type) {
    case 'float32': case 'complex64': {
      need('float_data', m.float_data?.length ?? 0, slots);
      return Float32Array.from(m.float_data ?? []);
    }
    case 'float64': case 'complex128': {
      need('double_data', m.double_data?.length ?? 0, slots);
      return Float64Array.from(m.double_data ?? []);
    }
    case 'int64': {
      need('int64_data', m.int64_data?.length ?? 0, count);
      return BigInt64Array.from(m.int64_data ?? [], (v) => longToBigInt(v));
    }
    case 'uint64': case 'uint32': {
      need('uint64_data', m.uint64_data?.length ?? 0, count);
      const values = (m.uint64_data ?? []).map((v) => longToBigInt(v, true));
      return type === 'uint64' ? BigUint64Array.from(values) : Uint32Array.from(values, Number);
    }
    case 'string': {
      need('string_data', m.string_data?.length ?? 0, count);
      return (m.string_data ?? []).map((b) => utf8.decode(b));
    }
    case 'int4': case 'uint4': case 'int2': case 'uint2': case 'float4e2m1': {
      // Packed bytes, one byte per int32_data entry.
      const bits = bitsPerElement(type) as 4 | 2;
      const bytes = Uint8Array.from(m.int32_data ?? []);
      need('int32_data', bytes.length, Math.ceil((count * bits) / 8));
      const out = allocData(type, count) as Int8Array | Uint8Array;
      out.set(unpackSubByte(bytes, count, bits, type === 'int4' || type === 'int2'));
      return out;
    }
    default: {
      // int8/16/32, uint8/16, bool, float16, bfloat16 and the float8 codes all travel in int32_data.
      need('int32_data', m.int32_data?.length ?? 0, count);
      const out = allocData(type, count) as Int32Array;
      out.set(m.int32_data ?? []);
      return out;
    }
  }
}

/** Decodes a TensorProto message; external data goes through `readExternal`. */
export function tensorFromMessage(m: TensorMessage, readExternal?: ExternalDataReader): Tensor {
  const what = describeTensor(m);
  const code = m.data_type ?? 0;
  if (code === 0) throw new Error(`${what} has no data_type`);
  let type: DType;
  try {
    type = dtypeFromCode(code);
  } catch {
    throw new Error(`${what} has unknown data_type ${code}`);
  }
  const dims = dimsOf(m, what);
  const count = dims.reduce((a, b) => a * b, 1);
  let data: Tensor['data'];
  if (m.data_location === 1) {
    const entries = new Map((m.external_data ?? []).map((e) => [e.key, e.value]));
    const location = entries.get('location');
    if (!location) throw new Error(`${what} is stored externally but names no location`);
    if (!readExternal) throw new Error(`${what} is stored in external file '${location}', but the model was not loaded from a path`);
    const offset = Number(entries.get('offset') ?? 0);
    const lengthText = entries.get('length');
    const length = lengthText === undefined ? undefined : Number(lengthText);
    if (!Number.isSafeInteger(offset) || offset < 0 || (length !== undefined && (!Number.isSafeInteger(length) || length < 0))) {
      throw new Error(`${what}: invalid external offset/length`);
    }
    data = fromRaw(type, readExternal(location, offset, length), count, what);
  } else if (type !== 'string' && m.raw_data && (m.raw_data.length > 0 || count === 0)) {
    data = fromRaw(type, m.raw_data, count, what);
  } else {
    data = fromFields(type, m, count, what);
  }
  return new Tensor(type, data, dims);
}

export function decodeTensor(bytes: Uint8Array, what = 'tensor'): Tensor {
  return tensorFromMessage(decodeMessage<TensorMessage>('TensorProto', bytes, what));
}

/** Encodes a tensor as a TensorProto message, numeric data in raw_data (little-endian, sub-byte types packed). */
export function tensorToMessage(t: Tensor, name?: string): TensorMessage {
  const m: TensorMessage = { dims: t.dims.map((d) => d), data_type: dtypeCode(t.type) };
  if (name !== undefined) m.name = name;
  if (t.type === 'string') {
    m.string_data = (t.data as string[]).map((s) => utf8Encoder.encode(s));
  } else if (bitsPerElement(t.type) < 8) {
    m.raw_data = packSubByte(t.data as Uint8Array, bitsPerElement(t.type) as 4 | 2);
  } else {
    const d = t.data as Uint8Array;
    m.raw_data = new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
  }
  return m;
}

export function encodeTensor(t: Tensor, name?: string): Uint8Array {
  return encodeMessage('TensorProto', tensorToMessage(t, name));
}

export function sparseFromMessage(m: SparseTensorMessage, readExternal?: ExternalDataReader): SparseTensor {
  if (!m.values || !m.indices) throw new Error('sparse tensor lacks values or indices');
  return { values: tensorFromMessage(m.values, readExternal), indices: tensorFromMessage(m.indices, readExternal), dims: dimsOf(m, 'sparse tensor') };
}

/** Dense equivalent of a sparse tensor (indices flat [NNZ] or coordinates [NNZ, rank]). */
export function densify(s: SparseTensor): Tensor {
  const { values, indices, dims } = s;
  const count = dims.reduce((a, b) => a * b, 1);
  const slots = slotsPerElement(values.type);
  const out = allocData(values.type, count) as unknown as unknown[];
  const src = values.data as unknown as unknown[];
  const idx = indices.data as BigInt64Array;
  const nnz = values.size;
  const rank = dims.length;
  const coordinates = indices.dims.length === 2;
  const where = `sparse tensor [${dims.join(', ')}]`;
  if (idx.length !== (coordinates ? nnz * rank : nnz)) throw new Error(`${where}: ${idx.length} indices for ${nnz} values`);
  for (let i = 0; i < nnz; i++) {
    let flat = 0;
    if (coordinates) {
      for (let r = 0; r < rank; r++) {
        const c = Number(idx[i * rank + r]);
        if (c < 0 || c >= dims[r]) throw new Error(`${where}: coordinate ${c} of value ${i} is outside dim ${r}`);
        flat = flat * dims[r] + c;
      }
    } else {
      flat = Number(idx[i]);
    }
    if (flat < 0 || flat >= count) throw new Error(`${where}: index ${flat} of value ${i} is outside the tensor`);
    for (let k = 0; k < slots; k++) out[flat * slots + k] = src[i * slots + k];
  }
  return new Tensor(values.type, out as never, dims);
}

/** SequenceProto / MapProto / OptionalProto element kinds. */
const enum ElemKind { Undefined = 0, Tensor = 1, SparseTensor = 2, Sequence = 3, Map = 4, Optional = 5 }

interface SequenceMessage {
  elem_type?: number;
  tensor_values?: TensorMessage[];
  sparse_tensor_values?: SparseTensorMessage[];
  sequence_values?: SequenceMessage[];
  map_values?: MapMessage[];
  optional_values?: OptionalMessage[];
}
interface MapMessage {
  key_type?: number;
  keys?: Long[];
  string_keys?: Uint8Array[];
  values?: SequenceMessage;
}
interface OptionalMessage {
  elem_type?: number;
  tensor_value?: TensorMessage;
  sparse_tensor_value?: SparseTensorMessage;
  sequence_value?: SequenceMessage;
  map_value?: MapMessage;
  optional_value?: OptionalMessage;
}

function sequenceFromMessage(m: SequenceMessage): Value[] {
  switch (m.elem_type ?? ElemKind.Undefined) {
    case ElemKind.Tensor: return (m.tensor_values ?? []).map((t) => tensorFromMessage(t));
    case ElemKind.SparseTensor: return (m.sparse_tensor_values ?? []).map((s) => densify(sparseFromMessage(s)));
    case ElemKind.Sequence: return (m.sequence_values ?? []).map(sequenceFromMessage);
    case ElemKind.Map: return (m.map_values ?? []).map(mapFromMessage);
    case ElemKind.Optional: return (m.optional_values ?? []).map(optionalFromMessage);
    default: return [];
  }
}

/** Map values of one tensor element are unwrapped to plain numbers/strings/bigints. */
function mapFromMessage(m: MapMessage): Map<MapKey, unknown> {
  const keyType = dtypeFromCode(m.key_type ?? 8);
  const keys: MapKey[] = keyType === 'string'
    ? (m.string_keys ?? []).map((b) => utf8.decode(b))
    : (m.keys ?? []).map((k) => (isBigIntType(keyType) ? longToBigInt(k) : longToNumber(k)));
  const values = m.values ? sequenceFromMessage(m.values) : [];
  if (values.length !== keys.length) throw new Error(`map has ${keys.length} keys but ${values.length} values`);
  return new Map(keys.map((k, i) => [k, values[i]]));
}

function optionalFromMessage(m: OptionalMessage): Value {
  switch (m.elem_type ?? ElemKind.Undefined) {
    case ElemKind.Tensor: return m.tensor_value ? tensorFromMessage(m.tensor_value) : null;
    case ElemKind.SparseTensor: return m.sparse_tensor_value ? densify(sparseFromMessage(m.sparse_tensor_value)) : null;
    case ElemKind.Sequence: return m.sequence_value ? sequenceFromMessage(m.sequence_value) : null;
    case ElemKind.Map: return m.map_value ? mapFromMessage(m.map_value) : null;
    case ElemKind.Optional: return m.optional_value ? optionalFromMessage(m.optional_value) : null;
    default: return null;
  }
}

/** The container a test-data .pb file holds, chosen from the declared graph type. */
export type ProtoKind = 'tensor' | 'sequence' | 'map' | 'optional';

export function decodeValue(bytes: Uint8Array, kind: ProtoKind, what = 'value'): Value {
  switch (kind) {
    case 'tensor': return decodeTensor(bytes, what);
    case 'sequence': return sequenceFromMessage(decodeMessage<SequenceMessage>('SequenceProto', bytes, what));
    case 'map': return mapFromMessage(decodeMessage<MapMessage>('MapProto', bytes, what));
    case 'optional': return optionalFromMessage(decodeMessage<OptionalMessage>('OptionalProto', bytes, what));
  }
}

function valueToSequenceMessage(values: Value[]): SequenceMessage {
  const first = values[0];
  if (first === undefined || first instanceof Tensor) return { elem_type: ElemKind.Tensor, tensor_values: (values as Tensor[]).map((t) => tensorToMessage(t)) };
  if (Array.isArray(first)) return { elem_type: ElemKind.Sequence, sequence_values: (values as Value[][]).map(valueToSequenceMessage) };
  if (first instanceof Map) return { elem_type: ElemKind.Map, map_values: (values as Map<MapKey, unknown>[]).map(mapToMessage) };
  return { elem_type: ElemKind.Optional, optional_values: values.map(valueToOptionalMessage) };
}

function mapToMessage(m: Map<MapKey, unknown>): MapMessage {
  const keys = [...m.keys()];
  const stringKeys = keys.length === 0 || typeof keys[0] === 'string';
  const values = [...m.values()].map((v) => (v instanceof Tensor || Array.isArray(v) || v instanceof Map || v === null
    ? v as Value
    : typeof v === 'string' ? new Tensor('string', [v], []) : new Tensor('float32', new Float32Array([Number(v)]), [])));
  return {
    key_type: dtypeCode(stringKeys ? 'string' : 'int64'),
    ...(stringKeys ? { string_keys: keys.map((k) => utf8Encoder.encode(String(k))) } : { keys: keys.map((k) => Number(k)) }),
    values: valueToSequenceMessage(values),
  };
}

function valueToOptionalMessage(v: Value): OptionalMessage {
  if (v === null) return { elem_type: ElemKind.Undefined };
  if (v instanceof Tensor) return { elem_type: ElemKind.Tensor, tensor_value: tensorToMessage(v) };
  if (Array.isArray(v)) return { elem_type: ElemKind.Sequence, sequence_value: valueToSequenceMessage(v) };
  return { elem_type: ElemKind.Map, map_value: mapToMessage(v) };
}

/** Encodes a value in the container its kind calls for (the inverse of decodeValue). */
export function encodeValue(v: Value): Uint8Array {
  if (v instanceof Tensor) return encodeTensor(v);
  if (Array.isArray(v)) return encodeMessage('SequenceProto', valueToSequenceMessage(v));
  if (v instanceof Map) return encodeMessage('MapProto', mapToMessage(v));
  return encodeMessage('OptionalProto', valueToOptionalMessage(v));
}
