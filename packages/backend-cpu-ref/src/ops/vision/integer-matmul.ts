/**
 * Integer matrix products of the quantized operators: the int32 GEMM (products and sums wrap at 32 bits, as the
 * spec allows accumulation to overflow only in 32 bits), numpy-style batched matmul, and the broadcasting of
 * per-row/per-column quantization parameters.
 */
import { broadcastIndex, broadcastShapes, sameShape, shapeSize, type Tensor } from '@onnx-ts/core';

/** C[M×N] += A[M×K]·B[K×N], all row-major int32 with 32-bit wrap-around. */
export function gemmInt32(
  M: number, N: number, K: number,
  a: Int32Array, aOffset: number, b: Int32Array, bOffset: number, c: Int32Array, cOffset: number,
): void {
  for (let m = 0; m < M; m++) {
    const cRow = cOffset + m * N;
    for (let k = 0; k < K; k++) {
      const av = a[aOffset + m * K + k];
      if (av === 0) continue;
      const bRow = bOffset + k * N;
      for (let n = 0; n < N; n++) c[cRow + n] = (c[cRow + n] + Math.imul(av, b[bRow + n])) | 0;
    }
  }
}

export interface MatmulShape {
  M: number;
  N: number;
  K: number;
  outDims: number[];
  /** For each output batch: the offsets of its A matrix, B matrix and C matrix. */
  batches: { a: number; b: number; c: number }[];
}

/** numpy.matmul shape rules: 1-D operands gain (and lose) a unit axis, leading axes broadcast. */
export function matmulShape(op: string, aDims: readonly number[], bDims: readonly number[]): MatmulShape {
  if (aDims.length === 0 || bDims.length === 0) throw new Error(`${op}: matmul operands must have rank >= 1`);
  const a2 = aDims.length === 1 ? [1, aDims[0]] : [...aDims];
  const b2 = bDims.length === 1 ? [bDims[0], 1] : [...bDims];
  const [M, K] = a2.slice(-2);
  const [K2, N] = b2.slice(-2);
  if (K !== K2) throw new Error(`${op}: inner dimensions differ: A [${aDims.join(', ')}] and B [${bDims.join(', ')}]`);
  const aBatch = a2.slice(0, -2);
  const bBatch = b2.slice(0, -2);
  const batchDims = broadcastShapes(aBatch, bBatch);
  const count = shapeSize(batchDims);
  const aIndex = broadcastIndex(batchDims, aBatch);
  const bIndex = broadcastIndex(batchDims, bBatch);
  const batches = [];
  for (let i = 0; i < count; i++) {
    batches.push({ a: (aIndex ? aIndex[i] : i) * M * K, b: (bIndex ? bIndex[i] : i) * K * N, c: i * M * N });
  }
  const outDims = [...batchDims];
  if (aDims.length > 1) outDims.push(M);
  if (bDims.length > 1) outDims.push(N);
  return { M, N, K, outDims, batches };
}

/** Integer matmul of zero-point-shifted operands. */
export function matmulInt32(s: MatmulShape, a: Int32Array, b: Int32Array): Int32Array {
  const c = new Int32Array(s.batches.length * s.M * s.N);
  for (const { a: ao, b: bo, c: co } of s.batches) gemmInt32(s.M, s.N, s.K, a, ao, b, bo, c, co);
  return c;
}

/**
 * For every element of a tensor of `targetDims`, the index of its quantization parameter. A scalar (or
 * one-element) parameter is per tensor; a 1-D parameter is per row (`role` 'row', one value per row of a matrix,
 * numpy shape [M, 1]) or per column ('col', shape [N]); N-D parameters broadcast numpy-style ([..., M, 1],
 * [..., 1, N]).
 */
export function paramIndex(op: string, name: string, param: Tensor, targetDims: readonly number[], role: 'row' | 'col'): Int32Array {
  const size = shapeSize(targetDims);
  if (param.size === 1) return new Int32Array(size);
  const dims = param.dims.length === 1 && role === 'row' ? [param.dims[0], 1] : param.dims;
  let fits = dims.length <= targetDims.length;
  if (fits) {
    try {
      fits = sameShape(broadcastShapes(targetDims, dims), targetDims);
    } catch {
      fits = false;
    }
  }
  if (!fits) {
    throw new Error(`${op}: ${name} of shape [${param.dims.join(', ')}] does not fit [${targetDims.join(', ')}] (per-${role} quantization)`);
  }
  return broadcastIndex(targetDims, dims) ?? Int32Array.from({ length: size }, (_, i) => i);
}

/** An 8-bit integer tensor minus its zero point (broadcast per `role`), as int32. */
export function shiftByZeroPoint(op: string, name: string, t: Tensor, zeroPoint: Tensor | undefined, role: 'row' | 'col'): Int32Array {
  const out = Int32Array.from(t.data as Int8Array | Uint8Array);
  if (!zeroPoint) return out;
  if (zeroPoint.type !== t.type) throw new Error(`${op}: ${name} zero point type ${zeroPoint.type} must equal ${name} type ${t.type}`);
  const zp = zeroPoint.data as Int8Array | Uint8Array;
  const index = paramIndex(op, `${name} zero point`, zeroPoint, t.dims, role);
  for (let i = 0; i < out.length; i++) out[i] -= zp[index[i]];
  return out;
}
