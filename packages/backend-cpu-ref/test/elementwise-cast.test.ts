// Cast, CastLike and BitCast: every pair of element types, the spec's overflow rules, float8 saturation, float8e8m0
// rounding modes, sub-byte integers, strings and complex numbers. Expected values are worked out by hand from the
// spec (and, for number printing, from numpy's str(), which the spec's reference uses).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_DTYPES, Tensor, allocData, decodeFloatCode, dtypeCode, isEncodedFloat, type DType } from '@onnx-ts/core';
import { f32, i32, i64, plain, runTensor, str } from './tensor-harness.js';

/** Checks that `run` fails with a message matching `pattern`. */
const rejects = (run: () => Promise<unknown>, pattern: RegExp): Promise<void> =>
  run().then(() => assert.unreachable(`expected an error matching ${pattern}`), (e: Error) => assert.match(e.message, pattern));

const cast = (x: Tensor, to: DType, attrs: Record<string, number | string> = {}): Promise<Tensor> =>
  runTensor('Cast', [x], { to: dtypeCode(to), ...attrs });

/** Element i as a number: float codes decoded, complex as its real part, strings read as numpy prints them. */
function valueAt(t: Tensor, i: number): number {
  if (t.type === 'string') {
    // Complex numbers with a zero imaginary part print as "(1+0j)" or "0j".
    const s = (t.data as string[])[i].replace(/^\((.*)\+0j\)$/, '$1').replace(/^0j$/, '0');
    return s === 'True' ? 1 : s === 'False' ? 0 : Number(s);
  }
  const slot = t.type === 'complex64' || t.type === 'complex128' ? 2 * i : i;
  const raw = (t.data as ArrayLike<number | bigint>)[slot];
  return isEncodedFloat(t.type) ? decodeFloatCode(t.type, raw as number) : Number(raw);
}

/** A one-dim tensor of `type` holding `values`, which every type can represent exactly. */
function tensorOf(type: DType, values: number[]): Tensor {
  if (type === 'string') return str(values.map(String));
  // Written straight into storage (codes by hand), so the test does not lean on the Cast it checks.
  const data = allocData(type, values.length) as unknown as { [i: number]: number | bigint };
  values.forEach((v, i) => {
    if (type === 'complex64' || type === 'complex128') data[2 * i] = v;
    else if (type === 'int64' || type === 'uint64') data[i] = BigInt(v);
    else if (type === 'float16') data[i] = v === 1 ? 0x3c00 : 0;
    else if (type === 'bfloat16') data[i] = v === 1 ? 0x3f80 : 0;
    else if (type === 'float8e8m0') data[i] = 127 + Math.log2(v);
    else if (type === 'float8e4m3fn' || type === 'float8e4m3fnuz') data[i] = v === 1 ? (type === 'float8e4m3fn' ? 0x38 : 0x40) : 0;
    else if (type === 'float8e5m2' || type === 'float8e5m2fnuz') data[i] = v === 1 ? (type === 'float8e5m2' ? 0x3c : 0x40) : 0;
    else if (type === 'float4e2m1') data[i] = v === 1 ? 0x2 : 0;
    else data[i] = v;
  });
  return new Tensor(type, data as never, [values.length]);
}

test('every pair of element types casts 1 (and 0, where both types hold it) to the same value', async () => {
  for (const from of ALL_DTYPES) {
    for (const to of ALL_DTYPES) {
      const values = from === 'float8e8m0' || to === 'float8e8m0' ? [1] : [1, 0];
      const input = tensorOf(from, values);
      assert.equal(values.map((_, i) => valueAt(input, i)), values, `input of ${from}`);
      const y = await cast(input, to);
      assert.is(y.type, to);
      assert.equal(values.map((_, i) => valueAt(y, i)), values, `${from} -> ${to}`);
    }
  }
});

test('float to integer truncates, and out of range wraps', async () => {
  assert.equal(plain(await cast(f32([1.9, -1.9, 3e9, NaN]), 'int32')).data, [1, -1, -1294967296, 0]);
  assert.equal(plain(await cast(f32([-1.5, 300]), 'uint8')).data, [255, 44]);
  assert.equal(plain(await cast(f32([-2.5, 2 ** 40]), 'int64')).data, [-2n, 2n ** 40n]);
});

test('integer to integer keeps the low bits: 200 (int16) is -56 (int8), as the spec says', async () => {
  const int16 = new Tensor('int16', Int16Array.from([200, -1]), [2]);
  assert.equal(plain(await cast(int16, 'int8')).data, [-56, -1]);
  assert.equal(plain(await cast(int16, 'uint16')).data, [200, 65535]);
  assert.equal(plain(await cast(i64([2n ** 40n + 5n, -1n]), 'int32')).data, [5, -1]);
  assert.equal(plain(await cast(i64([-1n]), 'uint64')).data, [2n ** 64n - 1n]);
});

test('anything to bool is "not zero"; NaN is true', async () => {
  assert.equal(plain(await cast(f32([0, -0, NaN, 0.1]), 'bool')).data, [0, 0, 1, 1]);
  assert.equal(plain(await cast(i64([0n, 2n ** 40n]), 'bool')).data, [0, 1]);
});

test('int64 to float keeps all the precision a double has', async () => {
  assert.equal(plain(await cast(i64([2n ** 53n + 2n]), 'float64')).data, [2 ** 53 + 2]);
});

test('float8: saturate by default, inf or NaN without it', async () => {
  const x = f32([1000, -1000, Infinity, 0.3]);
  const e4 = await cast(x, 'float8e4m3fn');
  assert.equal([0, 1, 2].map((i) => valueAt(e4, i)), [448, -448, 448]);
  assert.is(valueAt(e4, 3), 0.3125); // 0.3 rounds to 1.25 * 2^-2
  const raw = await cast(x, 'float8e4m3fn', { saturate: 0 });
  assert.ok([0, 1, 2].every((i) => Number.isNaN(valueAt(raw, i))));
  const e5 = await cast(f32([1e6, -Infinity]), 'float8e5m2', { saturate: 0 });
  assert.equal([valueAt(e5, 0), valueAt(e5, 1)], [Infinity, -Infinity]);
});

test('float8e8m0: round_mode up, down and nearest; saturation at the ends', async () => {
  const x = f32([1.1, 1.5, 3, 4, 0.124]);
  const decode = (t: Tensor): number[] => [0, 1, 2, 3, 4].map((i) => valueAt(t, i));
  assert.equal(decode(await cast(x, 'float8e8m0')), [2, 2, 4, 4, 0.125]);
  assert.equal(decode(await cast(x, 'float8e8m0', { round_mode: 'down' })), [1, 1, 2, 4, 0.0625]);
  assert.equal(decode(await cast(x, 'float8e8m0', { round_mode: 'nearest' })), [1, 2, 4, 4, 0.125]);
  const ends = await cast(f32([0, Infinity]), 'float8e8m0');
  assert.equal(plain(ends).data, [0, 0xfe]);
  assert.equal(plain(await cast(f32([0, Infinity]), 'float8e8m0', { saturate: 0 })).data, [0xff, 0xff]);
  await rejects(() => cast(x, 'float8e8m0', { round_mode: 'odd' }), /round_mode must be/);
});

test('4- and 2-bit integers wrap: only the low bits are kept', async () => {
  assert.equal(plain(await cast(f32([-9, 7, 8, 15, -1.5]), 'int4')).data, [7, 7, -8, -1, -1]);
  assert.equal(plain(await cast(i32([-1, 16, 17]), 'uint4')).data, [15, 0, 1]);
  assert.equal(plain(await cast(i64([2n, -3n, 2n ** 40n + 1n]), 'int2')).data, [-2, 1, 1]);
  assert.equal(plain(await cast(f32([-1, 4]), 'uint2')).data, [3, 0]);
});

test('numbers print as numpy does', async () => {
  const y = await cast(f32([0.1, 1, -0, 1e-5, 1e16, 123456.5, 1 / 3, NaN, -Infinity]), 'string');
  assert.equal(plain(y).data, ['0.1', '1.0', '-0.0', '1e-05', '1e+16', '123456.5', '0.33333334', 'nan', '-inf']);
  assert.equal(plain(await cast(new Tensor('float64', Float64Array.from([1 / 3, 2 ** 60]), [2]), 'string')).data,
    ['0.3333333333333333', '1.152921504606847e+18']);
  const half = new Tensor('float16', Uint16Array.from([0x2e66, 0x63d0, 0x5bd0]), [3]); // 0.1, 1000, 250 in float16
  assert.equal(plain(await cast(half, 'string')).data, ['0.1', '1e+03', '250.0']);
  assert.equal(plain(await cast(i64([-(2n ** 63n)]), 'string')).data, ['-9223372036854775808']);
  assert.equal(plain(await cast(new Tensor('bool', Uint8Array.from([1, 0]), [2]), 'string')).data, ['True', 'False']);
});

test('strings parse as numbers, with INF and NaN in any case', async () => {
  const y = await cast(str(['1.5', 'INF', '-inf', 'NaN', '+INF', '1e-5', ' 3 ', '.5']), 'float64');
  assert.equal(plain(y).data, [1.5, Infinity, -Infinity, NaN, Infinity, 1e-5, 3, 0.5]);
  assert.equal(plain(await cast(str(['9223372036854775807', '-12']), 'int64')).data, [2n ** 63n - 1n, -12n]);
  assert.equal(plain(await cast(str(['100.5']), 'int32')).data, [100]);
  assert.equal(plain(await cast(str(['True', 'false', '0', '2']), 'bool')).data, [1, 0, 0, 1]);
  await rejects(() => cast(str(['Hello World!']), 'float32'), /cannot read the string 'Hello World!' as a number/);
});

test('complex numbers: real part to reals, zero imaginary part from reals, Python-style strings', async () => {
  const c = new Tensor('complex64', Float32Array.from([1, 2, 0, 2, 1.5, -2.5, 0, 0]), [4]);
  assert.equal(plain(await cast(c, 'float32')).data, [1, 0, 1.5, 0]);
  assert.equal(plain(await cast(c, 'bool')).data, [1, 1, 1, 0]);
  assert.equal(plain(await cast(c, 'string')).data, ['(1+2j)', '2j', '(1.5-2.5j)', '0j']);
  assert.equal(plain(await cast(f32([3]), 'complex128')).data, [3, 0]);
  assert.equal(plain(await cast(str(['(1-2.5j)', '2j', '-1e3+1e-3j', '4']), 'complex128')).data, [1, -2.5, 0, 2, -1000, 0.001, 4, 0]);
});

test('Cast before opset 6 names the target type with a string', async () => {
  const y = await runTensor('Cast', [f32([2.7])], { to: 'INT32' }, { opset: 1 });
  assert.equal(plain(y), { dims: [1], data: [2] });
  await rejects(() => runTensor('Cast', [f32([1])], { to: 'REAL' }, { opset: 1 }), /'to' names no known type/);
});

test('CastLike takes the target type from its second input', async () => {
  const y = await runTensor('CastLike', [f32([1.5, -2.5]), i64([0n], [])]);
  assert.equal(plain(y), { dims: [2], data: [1n, -2n] });
  const e8 = await runTensor('CastLike', [f32([1.1]), new Tensor('float8e8m0', Uint8Array.from([127]), [1])], { round_mode: 'down' });
  assert.equal(plain(e8).data, [127]);
});

test('BitCast keeps the bits: same width only, sub-byte types included', async () => {
  const bitcast = (x: Tensor, to: DType): Promise<Tensor> => runTensor('BitCast', [x], { to: dtypeCode(to) }, { opset: 26 });
  assert.equal(plain(await bitcast(f32([1, -2]), 'int32')).data, [0x3f800000, -0x40000000]);
  assert.equal(plain(await bitcast(new Tensor('int8', Int8Array.from([-1, 5]), [2]), 'uint8')).data, [255, 5]);
  assert.equal(plain(await bitcast(new Tensor('int4', Int8Array.from([-1, 7]), [2]), 'uint4')).data, [15, 7]);
  assert.equal(plain(await bitcast(new Tensor('uint4', Uint8Array.from([15, 8]), [2]), 'int4')).data, [-1, -8]);
  const half = await bitcast(new Tensor('uint16', Uint16Array.from([0x3c00]), [1]), 'float16');
  assert.equal(valueAt(half, 0), 1);
  const c = await bitcast(new Tensor('float64', Float64Array.from([1]), [1]), 'uint64');
  assert.equal(plain(c).data, [0x3ff0000000000000n]);
  await rejects(() => bitcast(f32([1]), 'int64'), /float32 is 32 bits but int64 is 64; widths must match/);
  await rejects(() => bitcast(str(['a']), 'uint8'), /strings have no bit pattern/);
});

test.run();
