/** protobufjs message types for the ONNX schema, parsed once on first use. */
import protobuf from 'protobufjs';
import { ONNX_PROTO } from './schema.js';

let root: protobuf.Root | undefined;

export type MessageName =
  | 'ModelProto' | 'TensorProto' | 'SequenceProto' | 'MapProto' | 'OptionalProto' | 'GraphProto' | 'NodeProto'
  | 'AttributeProto' | 'TypeProto' | 'SparseTensorProto' | 'FunctionProto';

export function messageType(name: MessageName): protobuf.Type {
  root ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
  return root.lookupType(`onnx.${name}`);
}

/** Decodes bytes as `name`, turning protobufjs's failures into an Error that says what was being read. */
export function decodeMessage<T>(name: MessageName, bytes: Uint8Array, what: string): T {
  try {
    return messageType(name).decode(bytes) as unknown as T;
  } catch (e) {
    const reason = e instanceof RangeError && /call stack/i.test(e.message) ? 'nesting too deep' : (e as Error).message;
    throw new Error(`${what} is not a valid ONNX ${name}: ${reason}`);
  }
}

export function encodeMessage(name: MessageName, message: object): Uint8Array {
  const type = messageType(name);
  return type.encode(type.fromObject(message)).finish();
}

/** int64 fields arrive as Long objects (or numbers when small); these convert them. */
export interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}

export function longToBigInt(v: LongLike | number | bigint | string | null | undefined, unsigned = false): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string') return BigInt(v);
  const big = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return unsigned || v.unsigned ? big : BigInt.asIntN(64, big);
}

export function longToNumber(v: LongLike | number | bigint | string | null | undefined): number {
  return Number(longToBigInt(v));
}
