/**
 * MatMul (numpy semantics: 1-D operands promoted and their dim dropped, batch dims broadcast) and Gemm
 * (Y = alpha·A'·B' + beta·C with C broadcast to M×N), on the tiled kernel. An operand whose batch dims only partly
 * broadcast is first expanded by a copy, so the kernel indexes batches with one stride per operand. A Gemm whose B
 * exceeds the storage binding limit (a large fully connected layer) runs in slices of B's rows when B is transposed.
 */
import { broadcastShapes, shapeSize, stridesOf, type KernelSpec, type Tensor } from '@onnx-ts/core';
import { gemmAttrs, type GemmAttrs } from '@onnx-ts/backend-cpu-ref';
import type { GpuContext } from '../../context.js';
import { gpuKernel, type GpuJob } from '../../define.js';
import { load, store, type BufferDecl } from '../../program.js';
import { bytesPerElement, type StorageKind } from '../../storage.js';
import { allocTensor, disposeTensor, gpuData, kindOf } from '../../tensors.js';
import { tensorAt, tensorsAt } from '../args.js';
import { affineCopy } from '../tensor/copy.js';
import { f32Literal } from '../elementwise/engine.js';
import { runGemm, scalarOrVector, type Epilogue } from './gemm.js';

const FLOATS = ['float32', 'float16'] as const;

function bindingBytes(gpu: GpuContext, t: Tensor): number {
  return t.size * bytesPerElement(kindOf(t, gpu));
}

/** A copy of `t` with its leading (batch) dims broadcast to `batch`. */
async function expandBatch(gpu: GpuContext, t: Tensor, batch: readonly number[]): Promise<Tensor> {
  const matrix = t.dims.slice(-2);
  const outDims = [...batch, ...matrix];
  const own = stridesOf(t.dims);
  const lead = outDims.length - t.dims.length;
  const srcStrides = outDims.map((_, d) => (d < lead || t.dims[d - lead] === 1 ? 0 : own[d - lead]));
  const y = allocTensor(gpu, t.type, outDims);
  await affineCopy(gpu, t, y, { dims: outDims, srcBase: 0, srcStrides, dstBase: 0, dstStrides: stridesOf(outDims) });
  return y;
}

/** A float operand's declaration, as vec4s for vector loads. */
function vecDecl(name: string, kind: StorageKind, vec4: boolean): BufferDecl {
  return { name, kind, vec4 };
}

export function matmulPlan(gpu: GpuContext, a: Tensor, b: Tensor, epilogue: Epilogue = (v) => v): GpuJob | undefined {
  if (a.type !== b.type || a.dims.length === 0 || b.dims.length === 0) return undefined;
  const aDims = a.dims.length === 1 ? [1, a.dims[0]] : [...a.dims];
  const bDims = b.dims.length === 1 ? [b.dims[0], 1] : [...b.dims];
  const [M, K] = aDims.slice(-2);
  const [K2, N] = bDims.slice(-2);
  if (K !== K2) return undefined;
  let batch: number[];
  try {
    batch = broadcastShapes(aDims.slice(0, -2), bDims.slice(0, -2));
  } catch {
    return undefined;
  }
  const outDims = [...batch, ...(a.dims.length === 1 ? [] : [M]), ...(b.dims.length === 1 ? [] : [N])];
  const batches = shapeSize(batch);
  const fits = [a, b].every((t) => bindingBytes(gpu, t) <= gpu.limits.maxBindingBytes) && batches * M * N * 4 <= gpu.limits.maxBindingBytes;
  if (!fits) return undefined;
  return async () => {
    const y = allocTensor(gpu, a.type, outDims);
    if (y.size === 0) return [y];
    const temps: Tensor[] = [];
    const operand = async (t: Tensor, dims: number[]): Promise<{ t: Tensor; stride: number }> => {
      const own = shapeSize(dims.slice(0, -2));
      if (own === 1) return { t, stride: 0 };
      if (own === batches) return { t, stride: dims[dims.length - 2] * dims[dims.length - 1] };
      const e = await expandBatch(gpu, t, batch);
      temps.push(e);
      return { t: e, stride: dims[dims.length - 2] * dims[dims.length - 1] };
    };
    const A = await operand(a, aDims);
    const B = await operand(b, bDims);
    const kind = kindOf(a, gpu);
    const vecA = K % 4 === 0;
    const vecB = N % 4 === 0;
    const functions = [
      scalarOrVector('a', kind, vecA, 'fn load_a(batch: u32, m: u32, k: u32)', 'batch * P.sa + m * P.K + k'),
      vecA ? 'fn load_a4(batch: u32, m: u32, k: u32) -> vec4<f32> { return vec4<f32>(a[(batch * P.sa + m * P.K + k) / 4u]); }' : '',
      scalarOrVector('b', kind, vecB, 'fn load_b(batch: u32, k: u32, n: u32)', 'batch * P.sb + k * P.N + n'),
      vecB ? 'fn load_b4(batch: u32, k: u32, n: u32) -> vec4<f32> { return vec4<f32>(b[(batch * P.sb + k * P.N + n) / 4u]); }' : '',
      `fn store_c(batch: u32, m: u32, n: u32, v: f32) { ${store(a.type, kind, 'y', '(batch * P.M + m) * P.N + n', epilogue('v'))} }`,
    ].join('\n');
    await runGemm(gpu, {
      label: 'MatMul',
      inputs: [vecDecl('a', kind, vecA), vecDecl('b', kind, vecB)],
      outputs: [{ name: 'y', kind }],
      params: { sa: 'u32', sb: 'u32' },
      functions,
      vec4A: vecA,
      vec4B: vecB,
    }, [A.t, B.t, y], { sa: A.stride, sb: B.stride }, M, N, K, batches);
    for (const t of temps) disposeTensor(t);
    return [y];
  };
}


/** Element strides of C along m and n once broadcast to M×N, or undefined when it cannot broadcast. */
function biasStrides(c: Tensor, M: number, N: number, legacy: boolean, broadcast: number): [number, number] | undefined {
  const d = c.dims;
  if (d.length > 2) return undefined;
  const [cm, cn] = d.length === 2 ? d : d.length === 1 ? [1, d[0]] : [1, 1];
  if ((cm !== 1 && cm !== M) || (cn !== 1 && cn !== N)) return undefined;
  if (legacy && broadcast === 0 && (cm !== M || cn !== N)) return undefined;
  return [cm === 1 ? 0 : cn, cn === 1 ? 0 : 1];
}

export function gemmPlan(
  gpu: GpuContext, a: Tensor, b: Tensor, c: Tensor | undefined, at: GemmAttrs, opset: number, epilogue: Epilogue = (v) => v,
): GpuJob | undefined {
  if (a.dims.length !== 2 || b.dims.length !== 2 || a.type !== b.type || (c && c.type !== a.type)) return undefined;
  const [M, K] = at.transA ? [a.dims[1], a.dims[0]] : a.dims;
  const [K2, N] = at.transB ? [b.dims[1], b.dims[0]] : b.dims;
  if (K !== K2) return undefined;
  const useC = c !== undefined && at.beta !== 0;
  const cs = c ? biasStrides(c, M, N, opset < 7, at.broadcast) : [0, 0];
  if (!cs) return undefined;
  const max = gpu.limits.maxBindingBytes;
  const kind = kindOf(a, gpu);
  const elem = bytesPerElement(kind);
  if (bindingBytes(gpu, a) > max || M * N * 4 > max || (c && bindingBytes(gpu, c) > max)) return undefined;
  // Rows of B per slice: a transposed B is sliced along N, its rows contiguous; slice offsets keep 256-byte alignment.
  let rowsPerSlice = N;
  if (bindingBytes(gpu, b) > max) {
    if (!at.transB) return undefined;
    const align = 256 / gcd(256, K * elem);
    rowsPerSlice = Math.floor(max / (K * elem) / align) * align;
    if (rowsPerSlice === 0) return undefined;
  }
  return async () => {
    const y = allocTensor(gpu, a.type, [M, N]);
    if (y.size === 0) return [y];
    const vecA = at.transA === 0 && K % 4 === 0;
    const vecBK = at.transB !== 0 && K % 4 === 0;
    const vecB = at.transB === 0 && N % 4 === 0;
    const aIndex = at.transA ? 'k * P.M + m' : 'm * P.K + k';
    const bIndex = at.transB ? 'n * P.K + k' : 'k * P.ldb + n';
    const alpha = at.alpha === 1 ? 'v' : `${f32Literal(at.alpha)} * v`;
    const bias = useC ? ` + ${f32Literal(at.beta)} * ${load(kind, 'c', 'm * P.cm + (n + P.n0) * P.cn')}` : '';
    const functions = [
      scalarOrVector('a', kind, vecA, 'fn load_a(batch: u32, m: u32, k: u32)', aIndex),
      vecA ? 'fn load_a4(batch: u32, m: u32, k: u32) -> vec4<f32> { return vec4<f32>(a[(m * P.K + k) / 4u]); }' : '',
      scalarOrVector('b', kind, vecB || vecBK, 'fn load_b(batch: u32, k: u32, n: u32)', bIndex),
      vecBK ? 'fn load_bk4(batch: u32, k: u32, n: u32) -> vec4<f32> { return vec4<f32>(b[(n * P.K + k) / 4u]); }' : '',
      vecB ? 'fn load_b4(batch: u32, k: u32, n: u32) -> vec4<f32> { return vec4<f32>(b[(k * P.ldb + n) / 4u]); }' : '',
      `fn store_c(batch: u32, m: u32, n: u32, v: f32) { ${store(a.type, kind, 'y', 'm * P.ldy + n + P.n0', epilogue(`${alpha}${bias}`))} }`,
    ].join('\n');
    const inputs: BufferDecl[] = [vecDecl('a', kind, vecA), vecDecl('b', kind, vecB || vecBK)];
    if (useC) inputs.push({ name: 'c', kind });
    const bBuffer = gpuData(b).buffer(gpu, b.type);
    for (let n0 = 0; n0 < N; n0 += rowsPerSlice) {
      const rows = Math.min(rowsPerSlice, N - n0);
      const bWindow = rowsPerSlice === N ? b : { buffer: bBuffer, offset: n0 * K * elem, size: Math.ceil((rows * K * elem) / 4) * 4 };
      await runGemm(gpu, {
        label: 'Gemm', inputs, outputs: [{ name: 'y', kind }],
        params: { ldb: 'u32', ldy: 'u32', n0: 'u32', cm: 'u32', cn: 'u32' },
        functions, vec4A: vecA, vec4B: vecB, vec4BK: vecBK,
      }, [a, bWindow, ...(useC ? [c!] : []), y], { ldb: N, ldy: N, n0, cm: cs[0], cn: cs[1] }, M, rows, K, 1);
    }
    return [y];
  };
}

function gcd(x: number, y: number): number {
  return y === 0 ? x : gcd(y, x % y);
}

export const matmulKernels: KernelSpec<any>[] = [
  gpuKernel({
    op: 'MatMul', since: 1, dtypes: FLOATS,
    plan: (inputs, _a, { gpu }) => {
      const ts = tensorsAt(inputs, 2);
      return ts && matmulPlan(gpu, ts[0], ts[1]);
    },
  }),
  gpuKernel({
    op: 'Gemm', since: 1, dtypes: FLOATS,
    attrs: gemmAttrs,
    plan: (inputs, a, { gpu, opset }) => {
      const ts = tensorsAt(inputs, 2);
      return ts && gemmPlan(gpu, ts[0], ts[1], tensorAt(inputs, 2), a, opset);
    },
  }),
];
