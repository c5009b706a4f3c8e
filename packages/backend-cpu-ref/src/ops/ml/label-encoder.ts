import { Tensor, allocData, attr, defineKernel, isBigIntType, type DType } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';
import { ML_DOMAIN, tensorInput } from './common.js';

const OP = 'LabelEncoder';

type Key = string | number | bigint;

/** A tensor's elements as lookup keys: strings, bigints for 64-bit ints, numbers otherwise. */
function keysOf(t: Tensor): Key[] {
  if (t.type === 'string') return t.data as string[];
  if (isBigIntType(t.type)) return Array.from(t.data as BigInt64Array);
  return Array.from(toNumbers(t));
}

/** Converts attribute keys to the representation of X's elements, so that equal values find each other. */
function asInputKeys(keys: Key[], inputType: DType): Key[] {
  const wantString = inputType === 'string';
  return keys.map((k) => {
    if ((typeof k === 'string') !== wantString) {
      throw new Error(`${OP}: keys are ${typeof k === 'string' ? 'strings' : 'numbers'} but X is ${inputType}`);
    }
    if (wantString) return k;
    return isBigIntType(inputType) ? BigInt(k) : Number(k);
  });
}

const ELEMENT_TYPES: readonly DType[] = ['string', 'int64', 'float32', 'float64', 'int32', 'int16'];

function encode(x: Tensor, keys: Key[], values: Tensor, fallback: Key): Tensor {
  if (!ELEMENT_TYPES.includes(values.type)) throw new Error(`${OP}: values of type ${values.type} are not supported`);
  const valueList = keysOf(values);
  if (keys.length !== valueList.length) throw new Error(`${OP}: ${keys.length} keys but ${valueList.length} values`);
  // Map compares with SameValueZero: a NaN key matches any NaN input; a repeated key keeps its last value.
  const table = new Map<Key, Key>(asInputKeys(keys, x.type).map((k, i) => [k, valueList[i]]));
  const out = allocData(values.type, x.size) as unknown as Key[];
  const input = keysOf(x);
  for (let i = 0; i < input.length; i++) out[i] = table.get(input[i]) ?? fallback;
  return new Tensor(values.type, out as never, x.dims);
}

/** The one key or value list that is set, as a tensor. */
function pickList(kind: 'keys' | 'values', strings: string[], ints: number[], floats: number[], tensor: Tensor | undefined): Tensor {
  const set = [strings.length > 0, ints.length > 0, floats.length > 0, tensor !== undefined].filter(Boolean).length;
  if (set !== 1) throw new Error(`${OP}: exactly one of ${kind}_strings, ${kind}_int64s, ${kind}_floats, ${kind}_tensor must be set (${set} are)`);
  if (tensor) return tensor;
  if (strings.length > 0) return new Tensor('string', strings, [strings.length]);
  if (ints.length > 0) return new Tensor('int64', ints.map((v) => BigInt(v)), [ints.length]);
  return new Tensor('float32', Float32Array.from(floats), [floats.length]);
}

export default [
  defineKernel({
    // Version 1: strings ↔ int64 by position in classes_strings.
    op: OP, domain: ML_DOMAIN, since: 1, until: 1,
    dtypes: ['string', 'int64'],
    attrs: { classes_strings: attr.strings([]), default_int64: attr.int(-1), default_string: attr.string('_Unused') },
    run: ([input], a) => {
      const x = tensorInput(OP, input);
      if (x.type === 'string') {
        const index = new Map(a.classes_strings.map((s, i) => [s, BigInt(i)]));
        const out = BigInt64Array.from(x.data as string[], (s) => index.get(s) ?? BigInt(a.default_int64));
        return [new Tensor('int64', out, x.dims)];
      }
      const count = BigInt(a.classes_strings.length);
      const out = Array.from(x.data as BigInt64Array, (v) => (v >= 0n && v < count ? a.classes_strings[Number(v)] : a.default_string));
      return [new Tensor('string', out, x.dims)];
    },
  }),
  defineKernel({
    // Versions 2 and 4 (4 adds the *_tensor attributes and more element types).
    op: OP, domain: ML_DOMAIN, since: 2,
    dtypes: ELEMENT_TYPES,
    attrs: {
      keys_strings: attr.strings([]), keys_int64s: attr.ints([]), keys_floats: attr.floats([]), keys_tensor: attr.tensor(),
      values_strings: attr.strings([]), values_int64s: attr.ints([]), values_floats: attr.floats([]), values_tensor: attr.tensor(),
      default_string: attr.string('_Unused'), default_int64: attr.int(-1), default_float: attr.float(-0), default_tensor: attr.tensor(),
    },
    run: ([input], a) => {
      const x = tensorInput(OP, input);
      const keys = pickList('keys', a.keys_strings, a.keys_int64s, a.keys_floats, a.keys_tensor);
      const values = pickList('values', a.values_strings, a.values_int64s, a.values_floats, a.values_tensor);
      return [encode(x, keysOf(keys), values, defaultValue(a, values.type))];
    },
  }),
];

function defaultValue(
  a: { default_string: string; default_int64: number; default_float: number; default_tensor: Tensor | undefined; values_tensor: Tensor | undefined },
  type: DType,
): Key {
  if (a.values_tensor && a.default_tensor) {
    if (a.default_tensor.type !== type) throw new Error(`${OP}: default_tensor is ${a.default_tensor.type} but values_tensor is ${type}`);
    if (a.default_tensor.size !== 1) throw new Error(`${OP}: default_tensor should hold one value, got ${a.default_tensor.size}`);
    return keysOf(a.default_tensor)[0];
  }
  if (type === 'string') return a.default_string;
  if (isBigIntType(type)) return BigInt(a.default_int64);
  if (type === 'float32' || type === 'float64') return a.default_float;
  return a.default_int64;
}
