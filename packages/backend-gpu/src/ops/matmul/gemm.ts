/**
 * The matrix product every GEMM-shaped op runs through (MatMul, Gemm, Conv as implicit GEMM), C[batch] =
 * A[batch]·B[batch], in one of two forms:
 * - tiled, for GPUs: each workgroup computes a TM×TN tile, staging TM×TK slices of A and TK×TN slices of B in
 *   workgroup memory, each invocation accumulating a 4×4 block in registers;
 * - register-blocked, for adapters that run shaders on the CPU (llvmpipe, SwiftShader), where workgroup memory and
 *   barriers cost more than they save: each invocation accumulates up to 8 rows × 4 adjacent columns straight from
 *   the buffers, the A element shared by all invocations of a workgroup (one load for the SIMD lanes).
 * The caller supplies how elements are read and written as WGSL functions:
 *
 *   fn load_a(batch: u32, m: u32, k: u32) -> f32     (called only for m < M, k < K)
 *   fn load_b(batch: u32, k: u32, n: u32) -> f32     (called only for k < K, n < N)
 *   fn store_c(batch: u32, m: u32, n: u32, v: f32)   (called only for m < M, n < N)
 *
 * so the im2col of a convolution, transposed operands and epilogues (bias, alpha/beta) cost no extra passes. Where
 * the caller can promise four contiguous elements, it also supplies load_a4 (A along k), load_b4 (B along n) or
 * load_bk4 (a transposed B along k) returning vec4<f32>, for vector loads.
 */
import type { GpuContext } from '../../context.js';
import { load, runShader, type BufferDecl, type KernelBuffer, type ParamSpec, type ParamValues } from '../../program.js';
import type { StorageKind } from '../../storage.js';
import { mathHeader } from '../elementwise/wgsl-math.js';

/** WGSL applied to each result before it is stored (a fused activation), given the result's WGSL. */
export type Epilogue = (value: string) => string;

export interface GemmKernel {
  label: string;
  inputs: readonly BufferDecl[];
  outputs: readonly BufferDecl[];
  /** Extra parameters the load/store functions read (M, N, K are always there). */
  params: ParamSpec;
  /** WGSL defining load_a, load_b and store_c, plus the vector loaders flagged below. */
  functions: string;
  /** load_a4(batch, m, k) returns A[m, k..k+3]; needs K % 4 == 0. */
  vec4A?: boolean;
  /** load_b4(batch, k, n) returns B[k, n..n+3]; needs N % 4 == 0. */
  vec4B?: boolean;
  /** load_bk4(batch, k, n) returns B[k..k+3, n] (B stored transposed); needs K % 4 == 0. */
  vec4BK?: boolean;
}

/**
 * A scalar loader `signature -> f32` reading element `index` of `name`, also when the buffer is declared as vec4s
 * (then the element is picked out of its vector).
 */
export function scalarOrVector(name: string, kind: StorageKind, vec4: boolean, signature: string, index: string): string {
  const read = vec4 ? `f32(${name}[(${index}) / 4u][(${index}) % 4u])` : load(kind, name, index);
  return `${signature} -> f32 { return ${read}; }`;
}

const TILE_M = 32;
const TILE_N = 32;
const TILE_K = 16;
const THREADS = 64;

function tiledShader(k: GemmKernel): string {
  const loadA = k.vec4A
    ? `  for (var i = li; i < ${(TILE_M * TILE_K) / 4}u; i += ${THREADS}u) {
    let r = i / ${TILE_K / 4}u; let c = (i % ${TILE_K / 4}u) * 4u;
    let m = m0 + r; let kk = k0 + c;
    var v = vec4<f32>(0.0);
    if (m < P.M && kk < P.K) { v = load_a4(batch, m, kk); }
    As[c][r] = v.x; As[c + 1u][r] = v.y; As[c + 2u][r] = v.z; As[c + 3u][r] = v.w;
  }`
    : `  for (var i = li; i < ${TILE_M * TILE_K}u; i += ${THREADS}u) {
    let r = i % ${TILE_M}u; let c = i / ${TILE_M}u;
    let m = m0 + r; let kk = k0 + c;
    var v = 0.0;
    if (m < P.M && kk < P.K) { v = load_a(batch, m, kk); }
    As[c][r] = v;
  }`;
  const loadBK = `  for (var i = li; i < ${(TILE_K * TILE_N) / 4}u; i += ${THREADS}u) {
    let c = i % ${TILE_N}u; let r = (i / ${TILE_N}u) * 4u;
    let kk = k0 + r; let n = n0 + c;
    var v = vec4<f32>(0.0);
    if (kk < P.K && n < P.N) { v = load_bk4(batch, kk, n); }
    Bs[r][c / 4u][c % 4u] = v.x; Bs[r + 1u][c / 4u][c % 4u] = v.y; Bs[r + 2u][c / 4u][c % 4u] = v.z; Bs[r + 3u][c / 4u][c % 4u] = v.w;
  }`;
  const loadB = k.vec4BK ? loadBK : k.vec4B
    ? `  for (var i = li; i < ${(TILE_K * TILE_N) / 4}u; i += ${THREADS}u) {
    let r = i / ${TILE_N / 4}u; let c = (i % ${TILE_N / 4}u) * 4u;
    let kk = k0 + r; let n = n0 + c;
    var v = vec4<f32>(0.0);
    if (kk < P.K && n < P.N) { v = load_b4(batch, kk, n); }
    Bs[r][c / 4u] = v;
  }`
    : `  for (var i = li; i < ${TILE_K * TILE_N}u; i += ${THREADS}u) {
    let r = i / ${TILE_N}u; let c = i % ${TILE_N}u;
    let kk = k0 + r; let n = n0 + c;
    var v = 0.0;
    if (kk < P.K && n < P.N) { v = load_b(batch, kk, n); }
    Bs[r][c / 4u][c % 4u] = v;
  }`;
  return `${k.functions}
var<workgroup> As: array<array<f32, ${TILE_M}>, ${TILE_K}>;
var<workgroup> Bs: array<array<vec4<f32>, ${TILE_N / 4}>, ${TILE_K}>;
`
    + `//MAIN
  let batch = wid.z;
  let m0 = wid.y * ${TILE_M}u;
  let n0 = wid.x * ${TILE_N}u;
  let tm = (li / 8u) * 4u;
  let tn = li % 8u;
  var acc0 = vec4<f32>(0.0); var acc1 = vec4<f32>(0.0); var acc2 = vec4<f32>(0.0); var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < P.K; k0 += ${TILE_K}u) {
${loadA}
${loadB}
    workgroupBarrier();
    for (var kk = 0u; kk < ${TILE_K}u; kk++) {
      let b = Bs[kk][tn];
      acc0 += As[kk][tm] * b;
      acc1 += As[kk][tm + 1u] * b;
      acc2 += As[kk][tm + 2u] * b;
      acc3 += As[kk][tm + 3u] * b;
    }
    workgroupBarrier();
  }
  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + tm + i;
    if (m >= P.M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + tn * 4u + j;
      if (n < P.N) { store_c(batch, m, n, accs[i][j]); }
    }
  }`;
}

/** Rows of A per invocation and invocations per workgroup of the register-blocked form. */
function registerShape(M: number, N: number): { rows: number; lanes: number } {
  const rows = Math.min(8, Math.max(1, M));
  const needed = Math.ceil(N / 4);
  let lanes = 8;
  while (lanes < 64 && lanes < needed) lanes *= 2;
  return { rows, lanes };
}

function registerShader(k: GemmKernel, rows: number, lanes: number): string {
  const lines = [
    `  let n = (wid.x * ${lanes}u + li) * 4u;`,
    '  if (n >= P.N) { return; }',
    `  let row0 = wid.y * ${rows}u;`,
    '  let batch = wid.z;',
    '  let last = P.N - 1u;',
    '  let n1 = min(n + 1u, last); let n2 = min(n + 2u, last); let n3 = min(n + 3u, last);',
  ];
  for (let i = 0; i < rows; i++) lines.push(`  let r${i} = min(row0 + ${i}u, P.M - 1u);`, `  var acc${i} = vec4<f32>(0.0);`);
  lines.push('  for (var k = 0u; k < P.K; k++) {');
  lines.push(k.vec4B ? '    let b = load_b4(batch, k, n);' : '    let b = vec4<f32>(load_b(batch, k, n), load_b(batch, k, n1), load_b(batch, k, n2), load_b(batch, k, n3));');
  for (let i = 0; i < rows; i++) lines.push(`    acc${i} += load_a(batch, r${i}, k) * b;`);
  lines.push('  }');
  for (let i = 0; i < rows; i++) {
    lines.push(`  if (row0 + ${i}u < P.M) {`);
    for (let j = 0; j < 4; j++) lines.push(`    if (n + ${j}u < P.N) { store_c(batch, row0 + ${i}u, n + ${j}u, acc${i}[${j}]); }`);
    lines.push('  }');
  }
  return `${k.functions}\n//MAIN\n${lines.join('\n')}`;
}

/** Records C = A·B for `batches` products of M×K by K×N, in the form suited to the adapter. */
export async function runGemm(
  gpu: GpuContext, k: GemmKernel, buffers: readonly KernelBuffer[], values: ParamValues,
  M: number, N: number, K: number, batches: number,
): Promise<void> {
  if (M === 0 || N === 0 || batches === 0) return;
  const clash = ['M', 'N', 'K'].find((name) => name in k.params);
  if (clash) throw new Error(`gpu: kernel '${k.label}' declares parameter ${clash}, which the GEMM sets`);
  const registers = gpu.tuning.registerGemm;
  const shape = registerShape(M, N);
  const [header, main] = (registers ? registerShader(k, shape.rows, shape.lanes) : tiledShader(k)).split('//MAIN\n');
  const workgroups: [number, number, number] = registers
    ? [Math.ceil(N / (4 * shape.lanes)), Math.ceil(M / shape.rows), batches]
    : [Math.ceil(N / TILE_N), Math.ceil(M / TILE_M), batches];
  await runShader(gpu, {
    label: k.label,
    inputs: k.inputs,
    outputs: k.outputs,
    params: { M: 'u32', N: 'u32', K: 'u32', ...k.params },
    workgroupSize: registers ? shape.lanes : THREADS,
    header: `${header}\n${mathHeader(k.functions)}`,
    main,
  }, buffers, { M, N, K, ...values }, workgroups);
}
