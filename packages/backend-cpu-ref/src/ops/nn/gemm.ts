import {
  Tensor, attr, broadcastIndex, broadcastShapes, defineKernel, sameShape, type AttrValues, type KernelContext, type KernelInputs,
} from '@onnx-ts/core';
import { numericKind } from '../../util/elementwise.js';
import { gemm } from '../../util/gemm.js';
import { allocNumeric, arithFor, numericTensor, readNumeric, type Arith, type Buffer } from '../reduce/numeric.js';
import { optionalTensor, tensorInput } from '../tensor/args.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';

/** Gemm's attributes (broadcast: opset < 7). */
export const gemmAttrs = { alpha: attr.float(1), beta: attr.float(1), transA: attr.int(0), transB: attr.int(0), broadcast: attr.int(0) };
export type GemmAttrs = AttrValues<typeof gemmAttrs>;

interface Shape {
  M: number;
  N: number;
  K: number;
  /** Per output element, the element of C it adds (undefined when C is [M, N] or absent). */
  cIndex: Int32Array | undefined;
}

function gemmShape(a: Tensor, b: Tensor, c: Tensor | undefined, attrs: GemmAttrs, opset: number): Shape {
  if (a.type !== b.type || (c && c.type !== a.type)) {
    throw new Error(`Gemm: A, B and C must share one type, got ${a.type}, ${b.type}${c ? `, ${c.type}` : ''}`);
  }
  if (a.dims.length !== 2 || b.dims.length !== 2) {
    throw new Error(`Gemm: A and B must be matrices, got [${a.dims.join(', ')}] and [${b.dims.join(', ')}]`);
  }
  const [M, K] = attrs.transA ? [a.dims[1], a.dims[0]] : a.dims;
  const [KB, N] = attrs.transB ? [b.dims[1], b.dims[0]] : b.dims;
  if (K !== KB) {
    throw new Error(
      `Gemm: op(A) is [${M}, ${K}] but op(B) is [${KB}, ${N}]; inner dims must match (transA ${attrs.transA}, transB ${attrs.transB})`,
    );
  }
  if (!c) {
    if (opset < 11) throw new Error(`Gemm: input C is required before opset 11`);
    return { M, N, K, cIndex: undefined };
  }
  let fits = false;
  try {
    fits = sameShape(broadcastShapes([M, N], c.dims), [M, N]);
  } catch {
    fits = false;
  }
  // Before opset 7, C broadcasts only when the broadcast attribute says so.
  if (opset < 7 && attrs.broadcast === 0) fits = sameShape(c.dims, [M, N]);
  if (!fits) throw new Error(`Gemm: C [${c.dims.join(', ')}] does not broadcast to the [${M}, ${N}] result`);
  return { M, N, K, cIndex: broadcastIndex([M, N], c.dims) };
}

function floatGemm(a: Tensor, b: Tensor, c: Tensor | undefined, s: Shape, attrs: GemmAttrs): Tensor {
  const { M, N, K, cIndex } = s;
  const out = floatBuffer(a.type, M * N);
  const cs = c && floatValues(c);
  if (cs) for (let i = 0; i < out.length; i++) out[i] = cs[cIndex ? cIndex[i] : i];
  gemm({
    transA: attrs.transA !== 0, transB: attrs.transB !== 0, M, N, K, alpha: attrs.alpha, beta: cs ? attrs.beta : 0,
    a: floatValues(a), aOffset: 0, lda: a.dims[1],
    b: floatValues(b), bOffset: 0, ldb: b.dims[1],
    c: out, cOffset: 0, ldc: N,
  });
  return floatTensor(a.type, out, [M, N]);
}

/** Integer Gemm with the type's wrapping arithmetic; alpha and beta must then be whole numbers. */
function integerGemm<T>(
  s: Shape, attrs: GemmAttrs, arith: Arith<T>, lift: (v: number) => T,
  a: ArrayLike<T>, b: ArrayLike<T>, c: ArrayLike<T> | undefined, out: Buffer<T>,
): void {
  const { M, N, K, cIndex } = s;
  const alpha = lift(attrs.alpha);
  const beta = lift(attrs.beta);
  const aRow = attrs.transA ? 1 : K;
  const aCol = attrs.transA ? M : 1;
  const bRow = attrs.transB ? 1 : N;
  const bCol = attrs.transB ? K : 1;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = arith.zero;
      for (let k = 0; k < K; k++) acc = arith.add(acc, arith.mul(a[i * aRow + k * aCol], b[k * bRow + j * bCol]));
      let v = arith.mul(alpha, acc);
      if (c) v = arith.add(v, arith.mul(beta, c[cIndex ? cIndex[i * N + j] : i * N + j]));
      out[i * N + j] = v;
    }
  }
}

function runGemm(inputs: KernelInputs, attrs: GemmAttrs, ctx: KernelContext): Tensor {
  const a = tensorInput('Gemm', inputs, 0, 'A');
  const b = tensorInput('Gemm', inputs, 1, 'B');
  const c = optionalTensor('Gemm', inputs, 2, 'C');
  const s = gemmShape(a, b, c, attrs, ctx.opset);
  ctx.checkAllocation(a.type, s.M * s.N);
  const kind = numericKind(a.type);
  if (kind === 'float') return floatGemm(a, b, c, s, attrs);
  if (!Number.isInteger(attrs.alpha) || !Number.isInteger(attrs.beta)) {
    throw new Error(`Gemm: alpha (${attrs.alpha}) and beta (${attrs.beta}) must be whole numbers for ${a.type} inputs`);
  }
  const out = allocNumeric(a.type, s.M * s.N);
  if (kind === 'bigint') {
    const big = (t: Tensor) => readNumeric(t).values as BigInt64Array;
    integerGemm(s, attrs, arithFor('bigint'), BigInt, big(a), big(b), c && big(c), out as BigInt64Array);
  } else {
    const small = (t: Tensor) => readNumeric(t).values as Float64Array;
    integerGemm(s, attrs, arithFor('int'), (v) => v, small(a), small(b), c && small(c), out as Float64Array);
  }
  return numericTensor(a.type, out, [s.M, s.N]);
}

/**
 * Gemm: Y = alpha·op(A)·op(B) + beta·C, op transposing when transA/transB is set. C broadcasts to [M, N] (before
 * opset 7 only with broadcast=1) and may be omitted from opset 11.
 */
export default [
  defineKernel({
    op: 'Gemm', since: 1,
    dtypes: ['float32', 'float64', 'float16', 'bfloat16', 'int32', 'int64', 'uint32', 'uint64'],
    attrs: gemmAttrs,
    run: (inputs, attrs, ctx) => [runGemm(inputs, attrs, ctx)],
  }),
];
