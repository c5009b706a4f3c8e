/** Unit tests of the CLI's helpers (run from source): .npy reading, JSON inputs, statistics. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseNpy } from '../src/lib/npy.js';
import { percentile, valueStats } from '../src/lib/stats.js';
import { tensorFromJson, valueToJson } from '../src/lib/values.js';
import { npyFloat32 } from './helpers.js';

/** A .npy v1.0 file from a header dict and raw element bytes. */
function npy(header: string, body: number[]): Uint8Array {
  const text = header + ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  return Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8, ...new TextEncoder().encode(text), ...body]);
}

test('npy: float32 little-endian in C order', () => {
  const t = parseNpy(npyFloat32(Float32Array.from([1.5, -2, 0.25, 8, 3, 7]), [2, 3]), 'a.npy');
  assert.is(t.type, 'float32');
  assert.equal([...t.dims], [2, 3]);
  assert.equal([...(t.data as Float32Array)], [1.5, -2, 0.25, 8, 3, 7]);
});

test('npy: big-endian int16, int64, bool and a scalar', () => {
  // 0x0102 = 258 and 0xfffe = -2 stored big-endian.
  const be = parseNpy(npy("{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }", [0x01, 0x02, 0xff, 0xfe]), 'b.npy');
  assert.is(be.type, 'int16');
  assert.equal([...(be.data as Int16Array)], [258, -2]);
  const big = parseNpy(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), 'c.npy');
  assert.equal([...(big.data as BigInt64Array)], [2n ** 63n - 1n]);
  const bools = parseNpy(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", [1, 0, 1]), 'd.npy');
  assert.is(bools.type, 'bool');
  assert.equal([...(bools.data as Uint8Array)], [1, 0, 1]);
  const scalar = parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", [0, 0, 0, 0, 0, 0, 0xf8, 0x3f]), 'e.npy');
  assert.equal([...scalar.dims], []);
  assert.equal([...(scalar.data as Float64Array)], [1.5]);
});

test('npy: clear errors for what is not supported or broken', () => {
  assert.throws(() => parseNpy(new TextEncoder().encode('not an npy file'), 'x.npy'), /x\.npy: not a \.npy file/);
  assert.throws(() => parseNpy(npy("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", []), 'u.npy'), /element type '<U3' is not supported/);
  assert.throws(() => parseNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new Array(16).fill(0)), 'f.npy'), /Fortran-order/);
  assert.throws(() => parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", [0, 0, 0, 0]), 't.npy'), /holds 4 bytes, shape \[4\] of '<f4' needs 16/);
});

test('JSON inputs: nested arrays, the {type, dims, data} form, and errors', () => {
  const nested = tensorFromJson([[1, 2, 3], [4, 5, 6]], 'float32', 'x.json');
  assert.equal([...nested.dims], [2, 3]);
  assert.equal([...(nested.data as Float32Array)], [1, 2, 3, 4, 5, 6]);
  const ints = tensorFromJson({ type: 'int64', dims: [2], data: [1, '9007199254740993'] }, 'float32', 'y.json');
  assert.equal([...(ints.data as BigInt64Array)], [1n, 9007199254740993n]);
  const special = tensorFromJson(['NaN', '-Infinity', 2], 'float64', 'z.json');
  assert.ok(Number.isNaN((special.data as Float64Array)[0]));
  assert.is((special.data as Float64Array)[1], -Infinity);
  assert.throws(() => tensorFromJson([[1, 2], [3]], 'float32', 'r.json'), /r\.json: nested arrays are not rectangular/);
  assert.throws(() => tensorFromJson({ dims: [3], data: [1, 2] }, 'float32', 'd.json'), /2 elements do not fill dims \[3\]/);
  assert.throws(() => tensorFromJson({ type: 'float33', data: [1] }, undefined, 't.json'), /unknown element type "float33"/);
  assert.throws(() => tensorFromJson(['a'], 'float32', 'n.json'), /expected a number, got "a"/);
});

test('JSON output round-trips through JSON input, NaN and large int64 included', () => {
  const src = tensorFromJson({ type: 'int64', dims: [1, 2], data: ['-9223372036854775808', 5] }, undefined, 'a');
  const back = tensorFromJson(JSON.parse(JSON.stringify(valueToJson(src))), undefined, 'b');
  assert.equal([...(back.data as BigInt64Array)], [-(2n ** 63n), 5n]);
  assert.equal([...back.dims], [1, 2]);
  const f = tensorFromJson([NaN, 1], 'float32', 'c');
  assert.equal(JSON.parse(JSON.stringify(valueToJson(f))).data, ['NaN', 1]);
});

test('statistics: percentiles interpolate between ranks; NaN is counted apart', () => {
  assert.is(percentile([3, 1, 2], 50), 2);
  assert.is(percentile([4, 1, 3, 2], 50), 2.5);
  assert.is(percentile([10, 20, 30, 40, 50], 90), 46);
  const s = valueStats([1, NaN, 3, 5]);
  assert.equal({ ...s }, { count: 4, nanCount: 1, min: 1, max: 5, mean: 3, std: Math.sqrt(8 / 3) });
});

test.run();
