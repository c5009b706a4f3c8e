/**
 * MatMul with numpy semantics: batch dims broadcast, a 1-D A is a row vector and a 1-D B a column vector (their
 * unit dim is dropped from the result). Floats go through the shared GEMM; integers multiply in their wrapping
 * compute representation (int64/uint64 in bigint).
 */
import {
  NUMERIC_DTYPES, Tensor, broadcastIndex, broadcastShapes, defineKernel, shapeSize, type KernelContext,
} from '@onnx-ts/core';
import { gemm, type FloatArray } from '../../util/gemm.js';
import { requireTensor } from './inputs.js';
import { allocNumeric, arithFor, numericTensor, readNumeric, type Arith, type Buffer } from './numeric.js';

interface Plan {
  M: number;
  N: number;
  K: number;
  outDims: number[];
  batchCount: number;
  /** Per output matrix, which matrix of A/B (undefined: the same index) feeds it. */
  aBatch: Int32Array | undefined;
  bBatch: Int32Array | undefined;
}

function plan(a: Tensor, b: Tensor): Plan {
  const shapes = `A is [${a.dims.join(', ')}], B is [${b.dims.join(', ')}]`;
  if (a.dims.length === 0 || b.dims.length === 0) throw new Error(`MatMul: inputs must have rank >= 1 (${shapes})`);
  const aDims = a.dims.length === 1 ? [1, a.dims[0]] : a.dims;
  const bDims = b.dims.length === 1 ? [b.dims[0], 1] : b.dims;
  const [M, K] = aDims.slice(-2);
  const [KB, N] = bDims.slice(-2);
  if (K !== KB) throw new Error(`MatMul: inner dimensions differ (${shapes}: ${K} vs ${KB})`);
  const aBatchDims = aDims.slice(0, -2);
  const bBatchDims = bDims.slice(0, -2);
  const batch = broadcastShapes(aBatchDims, bBatchDims);
  const outDims = [...batch, ...(a.dims.length === 1 ? [] : [M]), ...(b.dims.length === 1 ? [] : [N])];
  return {
    M, N, K, outDims,
    batchCount: shapeSize(batch),
    aBatch: broadcastIndex(batch, aBatchDims),
    bBatch: broadcastIndex(batch, bBatchDims),
  };
}

function floatMatMul(p: Plan, a: FloatArray, b: FloatArray, c: FloatArray): void {
  const { M, N, K } = p;
  for (let batch = 0; batch < p.batchCount; batch++) {
    gemm({
      transA: false, transB: false, M, N, K, alpha: 1, beta: 0,
      a, aOffset: (p.aBatch ? p.aBatch[batch] : batch) * M * K, lda: K,
      b, bOffset: (p.bBatch ? p.bBatch[batch] : batch) * K * N, ldb: N,
      c, cOffset: batch * M * N, ldc: N,
    });
  }
}

function integerMatMul<T>(p: Plan, a: ArrayLike<T>, b: ArrayLike<T>, c: Buffer<T>, arith: Arith<T>): void {
  const { M, N, K } = p;
  for (let batch = 0; batch < p.batchCount; batch++) {
    const aStart = (p.aBatch ? p.aBatch[batch] : batch) * M * K;
    const bStart = (p.bBatch ? p.bBatch[batch] : batch) * K * N;
    const cStart = batch * M * N;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let acc = arith.zero;
        for (let k = 0; k < K; k++) acc = arith.add(acc, arith.mul(a[aStart + i * K + k], b[bStart + k * N + j]));
        c[cStart + i * N + j] = acc;
      }
    }
  }
}

function matMul(a: Tensor, b: Tensor, ctx: KernelContext): Tensor {
  if (a.type !== b.type) throw new Error(`MatMul: A is ${a.type} but B is ${b.type}; they must match`);
  const p = plan(a, b);
  const size = shapeSize(p.outDims);
  ctx.checkAllocation(a.type, size);
  if (a.type === 'float32' || a.type === 'float64') {
    const c = a.type === 'float32' ? new Float32Array(size) : new Float64Array(size);
    floatMatMul(p, a.data as FloatArray, b.data as FloatArray, c);
    return new Tensor(a.type, c, p.outDims);
  }
  const av = readNumeric(a);
  const bv = readNumeric(b);
  const c = allocNumeric(a.type, size);
  if (av.kind === 'bigint') {
    integerMatMul(p, av.values, bv.values as BigInt64Array, c as BigInt64Array, arithFor('bigint'));
  } else if (av.kind === 'float') {
    floatMatMul(p, av.values, bv.values as Float64Array, c as Float64Array);
  } else {
    integerMatMul(p, av.values, bv.values as Float64Array, c as Float64Array, arithFor('int'));
  }
  return numericTensor(a.type, c, p.outDims);
}

export default [
  defineKernel({
    op: 'MatMul',
    since: 1,
    dtypes: NUMERIC_DTYPES,
    run: ([a, b], _attrs, ctx) => [matMul(requireTensor('MatMul', a, 'A'), requireTensor('MatMul', b, 'B'), ctx)],
  }),
];
