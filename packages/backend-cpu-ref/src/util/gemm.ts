/** The shared matrix multiply of MatMul, Gemm and Conv (im2col): row-major, strided, with offsets. */

export type FloatArray = Float32Array | Float64Array;

export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  a: FloatArray;
  aOffset: number;
  lda: number;
  b: FloatArray;
  bOffset: number;
  ldb: number;
  /** Existing C is scaled by beta; with beta 0 it is overwritten (NaN in C does not leak). */
  beta: number;
  c: FloatArray;
  cOffset: number;
  ldc: number;
}

/** C = alpha·op(A)·op(B) + beta·C. */
export function gemm(g: GemmArgs): void {
  const { transA, transB, M, N, K, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc } = g;
  for (let i = 0; i < M; i++) {
    const cRow = cOffset + i * ldc;
    if (beta === 0) c.fill(0, cRow, cRow + N);
    else if (beta !== 1) for (let j = 0; j < N; j++) c[cRow + j] *= beta;
    for (let k = 0; k < K; k++) {
      const av = alpha * a[aOffset + (transA ? k * lda + i : i * lda + k)];
      if (transB) {
        for (let j = 0; j < N; j++) c[cRow + j] += av * b[bOffset + j * ldb + k];
      } else {
        const bRow = bOffset + k * ldb;
        for (let j = 0; j < N; j++) c[cRow + j] += av * b[bRow + j];
      }
    }
  }
}
