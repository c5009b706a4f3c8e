/**
 * MatMulInteger (int32 output) and QLinearMatMul (requantized 8-bit output) on the integer GEMM. Fast path: 8-bit
 * operands, B a matrix (or both operands with the same batch axes), per-tensor or per-row A parameters, per-tensor or
 * per-column B parameters; QLinearMatMul's scales float32, or float16/bfloat16 from opset 21.
 */
import { Tensor, decodeFloatCode, encodeFloatCode, type DType, type KernelInputs } from '@onnx-ts/core';
import { toNumbers } from '@onnx-ts/backend-cpu-ref';
import { BYTE_TYPES, absent, isScalar, isScalarOrVector, tensorOf, withFastPath } from '../delegate.js';
import { integerMatmul, matmulShape, type ByteData, type MatmulShape } from '../int-ops.js';
import { PER_COLUMN, PER_TENSOR, runtime } from '../runtime.js';

/** A zero point that fits the fast path: absent, per tensor, or per row/column of a matrix operand. */
function zeroPointOf(inputs: KernelInputs, index: number, operand: Tensor, length: number): { ok: boolean; values: ArrayLike<number> } {
  if (absent(inputs, index)) return { ok: true, values: [0] };
  const zp = tensorOf(inputs, index, [operand.type]);
  if (!zp) return { ok: false, values: [] };
  const ok = isScalar(zp) || (operand.dims.length === 2 && zp.dims.length === 1 && zp.dims[0] === length);
  return { ok, values: zp.data as ByteData };
}

/** Shape of an integer matmul the fast path runs, or undefined. */
function fastShape(a: Tensor, b: Tensor): MatmulShape | undefined {
  const s = matmulShape(a.dims, b.dims);
  return s && s.m * s.n * s.k > 0 ? s : undefined;
}

const matmulInteger = withFastPath('MatMulInteger', (inputs, _attrs, ctx) => {
  const a = tensorOf(inputs, 0, BYTE_TYPES);
  const b = tensorOf(inputs, 1, BYTE_TYPES);
  if (!a || !b) return undefined;
  const s = fastShape(a, b);
  if (!s) return undefined;
  const aZero = zeroPointOf(inputs, 2, a, s.m);
  const bZero = zeroPointOf(inputs, 3, b, s.n);
  if (!aZero.ok || !bZero.ok) return undefined;
  const size = s.batches * s.m * s.n;
  ctx.checkAllocation('int32', size);
  const rt = runtime();
  const data = rt.withScratch((scratch) => {
    const out = scratch.alloc(size * 4);
    integerMatmul(rt, scratch, { a: a.data as ByteData, aZeros: aZero.values, b, bZeros: bZero.values }, s, (acc, batch) => {
      rt.exports.copyRows(acc.at, acc.ldc, s.m, s.n, out + batch * s.m * s.n * 4, s.n * 4);
    });
    return rt.read(Int32Array, out, size);
  });
  return [new Tensor('int32', data, s.outDims)];
});

/** Rounds to the precision of the scales' type, as the multiplier a_scale·b_scale/y_scale is formed in it. */
function roundTo(type: DType, v: number): number {
  return type === 'float32' ? Math.fround(v) : decodeFloatCode(type, encodeFloatCode(type, v));
}

/** Range of an 8-bit type. */
export function byteRange(type: DType): [number, number] {
  return type === 'int8' ? [-128, 127] : [0, 255];
}

const SCALES_10: readonly DType[] = ['float32'];
const SCALES_21: readonly DType[] = ['float32', 'float16', 'bfloat16'];

const qlinearMatMul = withFastPath('QLinearMatMul', (inputs, _attrs, ctx) => {
  const scaleTypes = ctx.opset >= 21 ? SCALES_21 : SCALES_10;
  const a = tensorOf(inputs, 0, BYTE_TYPES);
  const b = tensorOf(inputs, 3, BYTE_TYPES);
  const yZp = tensorOf(inputs, 7, BYTE_TYPES);
  if (!a || !b || !yZp) return undefined;
  const aScale = tensorOf(inputs, 1, scaleTypes);
  const bScale = tensorOf(inputs, 4, scaleTypes);
  const yScale = tensorOf(inputs, 6, scaleTypes);
  const aZp = tensorOf(inputs, 2, [a.type]);
  const bZp = tensorOf(inputs, 5, [b.type]);
  if (!aScale || !bScale || !yScale || !aZp || !bZp) return undefined;
  if (bScale.type !== aScale.type || yScale.type !== aScale.type) return undefined;
  const s = fastShape(a, b);
  if (!s || !isScalar(aScale) || !isScalar(aZp) || !isScalar(yScale) || !isScalar(yZp)) return undefined;
  const perColumn = !isScalar(bScale);
  if (perColumn && (b.dims.length !== 2 || !isScalarOrVector(bScale, s.n) || bZp.size !== bScale.size || bZp.dims.length !== 1)) return undefined;
  if (!perColumn && !isScalar(bZp)) return undefined;
  const [as] = toNumbers(aScale);
  const [ys] = toNumbers(yScale);
  const bs = toNumbers(bScale);
  const multipliers = Float64Array.from(bs, (v) => roundTo(aScale.type, roundTo(aScale.type, as * v) / ys));
  const [lo, hi] = byteRange(yZp.type);
  const size = s.batches * s.m * s.n;
  ctx.checkAllocation(yZp.type, size);
  const rt = runtime();
  const data = rt.withScratch((scratch) => {
    const out = scratch.alloc(size);
    const mult = scratch.put(multipliers);
    const zero = scratch.put(Float64Array.of(toNumbers(yZp)[0]));
    integerMatmul(rt, scratch, { a: a.data as ByteData, aZeros: aZp.data as ByteData, b, bZeros: bZp.data as ByteData }, s, (acc, batch) => {
      rt.exports.requantize(acc.at, acc.ldc, s.m, s.n, 0, PER_TENSOR, mult, perColumn ? PER_COLUMN : PER_TENSOR, toNumbers(yZp)[0], lo, hi, out + batch * s.m * s.n, s.n);
    });
    return yZp.type === 'int8' ? rt.read(Int8Array, out, size) : rt.read(Uint8Array, out, size);
  });
  return [new Tensor(yZp.type, data, s.outDims)];
});

export default [...matmulInteger, ...qlinearMatMul];
