/**
 * QLinearMatMul: y = saturate(round_half_even((a - a_zp)·(b - b_zp) · a_scale·b_scale / y_scale) + y_zp), numpy
 * matmul shapes, per-row a and per-column b parameters. Opset 10 (int8/uint8, float scales), 21 (float16/bfloat16
 * scales, float8 operands).
 */
import { FLOAT8_DTYPES, Tensor, allocData, defineKernel, encodeFloatCode, type DType } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';
import { gemm } from '../../util/gemm.js';
import { expectType, tensorInput } from './inputs.js';
import { matmulInt32, matmulShape, paramIndex, shiftByZeroPoint, type MatmulShape } from './integer-matmul.js';
import { INT_RANGES, clamp, roundHalfEven, roundToType } from './numeric.js';

const OP = 'QLinearMatMul';

/** Float8 operands minus their zero points, multiplied in float64. */
function floatProduct(s: MatmulShape, a: Tensor, aZp: Tensor, b: Tensor, bZp: Tensor): Float64Array {
  const shifted = (t: Tensor, zp: Tensor, name: string, role: 'row' | 'col'): Float64Array => {
    const v = toNumbers(t);
    const z = toNumbers(zp);
    const index = paramIndex(OP, `${name} zero point`, zp, t.dims, role);
    for (let i = 0; i < v.length; i++) v[i] -= z[index[i]];
    return v;
  };
  const av = shifted(a, aZp, 'a', 'row');
  const bv = shifted(b, bZp, 'b', 'col');
  const c = new Float64Array(s.batches.length * s.M * s.N);
  for (const o of s.batches) {
    gemm({
      transA: false, transB: false, M: s.M, N: s.N, K: s.K, alpha: 1,
      a: av, aOffset: o.a, lda: s.K, b: bv, bOffset: o.b, ldb: s.N, beta: 0, c, cOffset: o.c, ldc: s.N,
    });
  }
  return c;
}

function qlinearMatmul(inputs: readonly Tensor[], quantTypes: readonly DType[], scaleTypes: readonly DType[]): Tensor {
  const [a, aScale, aZp, b, bScale, bZp, yScale, yZp] = inputs;
  for (const [t, name] of [[a, 'a'], [b, 'b'], [yZp, 'y_zero_point']] as const) expectType(OP, t, name, quantTypes);
  for (const [t, name] of [[aScale, 'a_scale'], [bScale, 'b_scale'], [yScale, 'y_scale']] as const) expectType(OP, t, name, scaleTypes);
  if (aZp.type !== a.type || bZp.type !== b.type) throw new Error(`${OP}: zero points must have the type of their operand`);
  const float8 = FLOAT8_DTYPES.includes(a.type);
  if (float8 !== FLOAT8_DTYPES.includes(b.type)) throw new Error(`${OP}: a (${a.type}) and b (${b.type}) must both be float8 or both integer`);
  const s = matmulShape(OP, a.dims, b.dims);
  const product = float8
    ? floatProduct(s, a, aZp, b, bZp)
    : matmulInt32(s, shiftByZeroPoint(OP, 'a', a, aZp, 'row'), shiftByZeroPoint(OP, 'b', b, bZp, 'col'));
  // Parameters are indexed over the output: a's per row, b's per column, y's per tensor or per column.
  const rowDims = a.dims.length > 1 && b.dims.length === 1 ? [...s.outDims, 1] : s.outDims;
  const colDims = b.dims.length > 1 && a.dims.length === 1 ? [1, ...s.outDims] : s.outDims;
  const aIdx = paramIndex(OP, 'a_scale', aScale, rowDims, 'row');
  const bIdx = paramIndex(OP, 'b_scale', bScale, colDims, 'col');
  const yIdx = paramIndex(OP, 'y_scale', yScale, s.outDims, 'col');
  if (aZp.size !== aScale.size || bZp.size !== bScale.size || yZp.size !== yScale.size) {
    throw new Error(`${OP}: each zero point must have the shape of its scale`);
  }
  const [as, bs, ys, yz] = [aScale, bScale, yScale, yZp].map(toNumbers);
  // The multiplier a_scale·b_scale/y_scale is formed in the scales' precision.
  const scaleType = aScale.type;
  const out = allocData(yZp.type, product.length) as Int8Array | Uint8Array;
  const range = INT_RANGES[yZp.type];
  for (let i = 0; i < product.length; i++) {
    const multiplier = roundToType(scaleType, roundToType(scaleType, as[aIdx[i]] * bs[bIdx[i]]) / ys[yIdx[i]]);
    const v = product[i] * multiplier + yz[yIdx[i]];
    out[i] = range ? clamp(roundHalfEven(v), range[0], range[1]) : encodeFloatCode(yZp.type, v, true);
  }
  return new Tensor(yZp.type, out, s.outDims);
}

function required(inputs: readonly unknown[]): Tensor[] {
  const names = ['a', 'a_scale', 'a_zero_point', 'b', 'b_scale', 'b_zero_point', 'y_scale', 'y_zero_point'];
  return names.map((name, i) => tensorInput(OP, inputs[i] as Tensor | undefined, name));
}

export default [
  defineKernel({
    op: OP, since: 10, until: 20,
    run: (inputs) => [qlinearMatmul(required(inputs), ['int8', 'uint8'], ['float32'])],
  }),
  defineKernel({
    op: OP, since: 21,
    run: (inputs) => [qlinearMatmul(required(inputs), ['int8', 'uint8', ...FLOAT8_DTYPES], ['float32', 'float16', 'bfloat16'])],
  }),
];
