import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_DTYPES, Tensor, allocData, decodeModel, decodeTensor, encodeTensor, saveModel, type Model } from '../src/index.js';
import { allModelPaths } from './helpers.js';

/** A structural view of the IR for equality checks: Maps and typed arrays become plain values. */
function plain(v: unknown): unknown {
  if (v instanceof Tensor) return { type: v.type, dims: [...v.dims], data: Array.from(v.data as ArrayLike<unknown>, (x) => (typeof x === 'bigint' ? x.toString() : Number.isNaN(x) ? 'NaN' : x)) };
  if (v instanceof Map) return [...v].map(([k, x]) => [k, plain(x)]);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = plain(x);
    return out;
  }
  return v;
}

test('every model of the suite survives load → save → load unchanged', () => {
  const paths = allModelPaths();
  assert.ok(paths.length > 1700, `found only ${paths.length} models`);
  for (const path of paths) {
    const first: Model = decodeModel(new Uint8Array(readFileSync(path)));
    const second = decodeModel(saveModel(first));
    assert.equal(plain(second), plain(first), path);
  }
});

test('tensors of every element type round-trip through TensorProto', () => {
  for (const type of ALL_DTYPES) {
    const data = allocData(type, 5) as unknown as { [i: number]: unknown; length: number };
    for (let i = 0; i < data.length; i++) {
      data[i] = type === 'string' ? `s${i}` : type === 'int64' || type === 'uint64' ? BigInt(i) : type === 'bool' ? i & 1 : type.startsWith('int') ? (i % 2 ? -1 : 1) : (i % 2);
    }
    const t = new Tensor(type, data as never, [5]);
    const back = decodeTensor(encodeTensor(t, 'x'));
    assert.equal(plain(back), plain(t), type);
  }
});

test('int64 values beyond 2^53 survive decoding exactly', () => {
  const big = new BigInt64Array([9223372036854775807n, -9223372036854775808n, 9007199254740993n]);
  const back = decodeTensor(encodeTensor(new Tensor('int64', big, [3])));
  assert.equal([...(back.data as BigInt64Array)], [...big]);
});

test('corrupt bytes give an Error naming the problem', () => {
  const bytes = new Uint8Array(readFileSync(allModelPaths().find((p) => p.includes('test_abs/'))!));
  assert.throws(() => decodeModel(bytes.slice(0, bytes.length - 7)), /not a valid ONNX ModelProto|no graph/);
  assert.throws(() => decodeModel(new Uint8Array()), /empty/);
  assert.throws(() => decodeModel(new Uint8Array([0x08, 0x07])), /no graph/);
});

test('raw_data shorter than the dims imply is refused', () => {
  const t = encodeTensor(new Tensor('float32', new Float32Array(4), [4]));
  // Rewrite the dims varint 4 → 5: first field is dims (tag 0x08).
  const copy = t.slice();
  const at = copy.indexOf(0x08);
  copy[at + 1] = 5;
  assert.throws(() => decodeTensor(copy), /raw_data holds 16 bytes, dims need 20/);
});

test.run();
