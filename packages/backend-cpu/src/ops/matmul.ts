/**
 * Gemm and MatMul on float32. Few rows (a batch of one through a fully connected layer) run as matrix-vector products
 * over the weights transposed once to [N][K], which reads each weight once per run; more rows run the packed GEMM.
 */
import { broadcastShapes, type Tensor, type KernelContext, type KernelInputs, type Value } from '@onnx-ts/core';
import { withScratch, writeJob, type Scratch } from '../runtime/call.js';
import { copiedConstant, packedConstant } from '../runtime/constants.js';
import { floatsOf } from '../runtime/resident.js';
import { activeThreads, runJob } from '../runtime/pool.js';
import { wasmRuntime } from '../runtime/wasm.js';
import { accelerate, floatInput } from './accelerate.js';
import { packGroupsA, packedABytes, runGemm } from './gemm-plan.js';

/** At most this many rows use the matrix-vector path. */
const GEMV_ROWS = 4;

interface Product {
  M: number;
  N: number;
  K: number;
  /** op(A) [M][K], row-major, already scaled by alpha. */
  a: Float32Array | Tensor<'float32'>;
  b: Tensor<'float32'>;
  /** B is stored [N][K] (Gemm's transB) rather than [K][N]. */
  bTransposed: boolean;
  /** Initial value of Y [M][N] (beta·C broadcast), or undefined for zeros. */
  init?: Float32Array;
}

/** Y = A·B (+ init) as a resident tensor of dims `outDims` ([..., M, N]). */
function multiply(p: Product, outDims: readonly number[], ctx: KernelContext): Tensor<'float32'> {
  const { M, N, K } = p;
  ctx.checkAllocation('float32', M * N);
  return withScratch((scratch) => {
    const f32 = () => wasmRuntime().f32();
    const yAt = scratch.output(M * N);
    if (p.init) f32().set(p.init, yAt >> 2);
    else f32().fill(0, yAt >> 2, (yAt >> 2) + M * N);
    const aAt = p.a instanceof Float32Array ? scratch.input(p.a) : scratch.tensor(p.a);
    if (M <= GEMV_ROWS) {
      // The weights as [N][K]: Gemm's transB stores them so already.
      const w = p.bTransposed ? copiedConstant(p.b, scratch)
        : packedConstant('gemv-nk', [p.b], N * K * 4, scratch, (at) => transposeInto(floatsOf(p.b), K, N, f32(), at >> 2));
      const rowsPerTile = Math.max(4, Math.ceil(N / (8 * activeThreads()) / 4) * 4);
      const job = writeJob([0, Math.ceil(N / rowsPerTile), M, N, K, aAt, w, yAt, rowsPerTile]);
      runJob('gemvJob', job, M * N * K > 1 << 16 ? activeThreads() : 1);
    } else {
      runPacked(p, aAt, yAt, scratch);
    }
    return scratch.result(yAt, outDims);
  });
}

function runPacked(p: Product, aAt: number, yAt: number, scratch: Scratch): void {
  const packedA = scratch.alloc(packedABytes(p.M, p.K));
  packGroupsA(packedA, aAt, 1, p.M, p.K);
  const bAt = scratch.tensor(p.b);
  runGemm({
    groups: 1, aGroups: 1, M: p.M, N: p.N, K: p.K, a: packedA, b: bAt, bGroupStride: 0,
    matrix: p.bTransposed ? { rowStride: 1, colStride: p.K } : { rowStride: p.N, colStride: 1 },
    c: yAt, ldc: p.N, cGroupStride: 0, bias: 0, lo: -Infinity, hi: Infinity, addToC: p.init !== undefined,
  }, scratch);
}

function transposeInto(src: Float32Array, rows: number, cols: number, dst: Float32Array, at: number): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) dst[at + c * rows + r] = src[r * cols + c];
}

function gemm(inputs: KernelInputs, a: { alpha: number; beta: number; transA: number; transB: number }, ctx: KernelContext): Value[] | undefined {
  const A = floatInput(inputs, 0);
  const B = floatInput(inputs, 1);
  const C = floatInput(inputs, 2);
  if (!A || !B || A.dims.length !== 2 || B.dims.length !== 2 || (inputs[2] != null && !C)) return undefined;
  const [M, K] = a.transA ? [A.dims[1], A.dims[0]] : A.dims;
  const [kB, N] = a.transB ? [B.dims[1], B.dims[0]] : B.dims;
  if (kB !== K || M * N * K === 0) return undefined;
  let init: Float32Array | undefined;
  if (C && a.beta !== 0) {
    // Before opset 7 C broadcasts only with the broadcast attribute; equal shapes are the same at every opset.
    const full = C.dims.length === 2 && C.dims[0] === M && C.dims[1] === N;
    if (!full && ctx.opset < 7) return undefined;
    let dims: number[];
    try {
      dims = broadcastShapes(C.dims, [M, N]);
    } catch {
      return undefined;
    }
    if (dims.length !== 2 || dims[0] !== M || dims[1] !== N) return undefined;
    init = new Float32Array(M * N);
    const c = floatsOf(C);
    const rows = C.dims.length === 2 ? C.dims[0] : 1;
    const cols = C.dims.length === 0 ? 1 : C.dims[C.dims.length - 1];
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) init[m * N + n] = a.beta * c[(rows === 1 ? 0 : m) * cols + (cols === 1 ? 0 : n)];
    }
  }
  let opA: Float32Array | Tensor<'float32'> = A;
  if (a.transA || a.alpha !== 1) {
    const values = floatsOf(A);
    opA = new Float32Array(M * K);
    for (let m = 0; m < M; m++) {
      for (let k = 0; k < K; k++) opA[m * K + k] = a.alpha * values[a.transA ? k * M + m : m * K + k];
    }
  }
  return [multiply({ M, N, K, a: opA, b: B, bTransposed: a.transB !== 0, init }, [M, N], ctx)];
}

/** MatMul with A [..., M, K] and a 2-D B [K, N]: the batch axes of A fold into M. */
function matmul(inputs: KernelInputs, ctx: KernelContext): Value[] | undefined {
  const A = floatInput(inputs, 0);
  const B = floatInput(inputs, 1);
  if (!A || !B || A.dims.length < 2 || B.dims.length !== 2) return undefined;
  const K = A.dims[A.dims.length - 1];
  const [kB, N] = B.dims;
  const M = A.size / (K || 1);
  if (kB !== K || M * N * K === 0) return undefined;
  const outDims = [...A.dims.slice(0, -1), N];
  return [multiply({ M, N, K, a: A, b: B, bTransposed: false }, outDims, ctx)];
}

export default [
  ...accelerate('Gemm', (inputs, a, ctx) => gemm(inputs, a, ctx)),
  ...accelerate('MatMul', (inputs, _a, ctx) => matmul(inputs, ctx)),
];
