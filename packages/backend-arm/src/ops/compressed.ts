/**
 * MatMul and Gemm with compressed weights on the float32 GEMM of float-gemm.ts:
 * - weight-only quantization: B from DequantizeLinear of int8/uint8/int4/uint4 values (per tensor, per output
 *   column, or in blocks along the reduction axis — the optimizer's int4 format), A float32;
 * - float16 weights: B a float16 tensor (a float16 model, A float16 too) or a Cast of one to float32 (a model whose
 *   weights were stored as float16).
 * The decoded weights are exactly what DequantizeLinear/Cast give, so results differ from the reference only by the
 * order of the float32 sums. Cast float16 → float32 itself returns a lazily decoded tensor (lazy.ts).
 */
import { Tensor, isTensor, type KernelContext, type KernelInputs } from '@onnx-ts/core';
import { toNumbers } from '@onnx-ts/backend-cpu-ref';
import { tensorOf } from '../delegate.js';
import { floatsToHalves, halvesToFloats, multiplyFloat, packWeight, type WeightMatrix } from '../float-gemm.js';
import { matmulShape } from '../int-ops.js';
import { lazyTensor, originOf, type Widened } from '../lazy.js';
import { fingerprint, runtime } from '../runtime.js';

/** A weight B as stored: a source tensor (whose identity keys the cache) and how to read it as a k × n matrix. */
interface WeightView {
  source: Tensor;
  key: string;
  matrix: WeightMatrix;
  /** The element type of B as the node sees it, which A must have: float16 for a float16 tensor, else float32. */
  nodeType: 'float16' | 'float32';
}

/** Dims of B as [k, n] plus strides, for B stored [k, n] or, transposed, [n, k]. */
function layout(dims: readonly number[], transposed: boolean): { k: number; n: number; rowStride: number; colStride: number } {
  const [r, c] = dims;
  return transposed ? { k: c, n: r, rowStride: 1, colStride: c } : { k: r, n: c, rowStride: c, colStride: 1 };
}

const QUANTIZED = ['int8', 'uint8', 'int4', 'uint4'] as const;

/** B as a compressed weight: a float16 tensor, a widened (Cast) float16 tensor, or a dequantized one. */
function weightOf(v: unknown, transposed: boolean): WeightView | undefined {
  const origin = originOf(v);
  const half = origin?.kind === 'widened' ? origin.half : isTensor(v) && v.type === 'float16' ? v : undefined;
  if (half) {
    if (half.dims.length !== 2) return undefined;
    const nodeType = half === v ? 'float16' : 'float32';
    return { source: half, key: `f16:${transposed}`, nodeType, matrix: { type: 'float16', values: half.data as Uint16Array, ...layout(half.dims, transposed) } };
  }
  if (origin?.kind !== 'dequantized' || !(QUANTIZED as readonly string[]).includes(origin.q.type) || origin.q.dims.length !== 2) return undefined;
  const { q, scale, zeroPoint, axis, blockSize } = origin;
  const shape = layout(q.dims, transposed);
  const reductionAxis = transposed ? 1 : 0;
  const scales = new Float32Array(toNumbers(scale));
  const zeros = zeroPoint ? new Float32Array(toNumbers(zeroPoint)) : new Float32Array(scales.length);
  let blockK = shape.k;
  let perColumn: (values: Float32Array) => Float32Array;
  if (axis === undefined) {
    perColumn = (values) => new Float32Array(shape.n).fill(values[0]);
  } else if (blockSize === 0 && axis !== reductionAxis) {
    perColumn = (values) => values;
  } else if (blockSize > 0 && axis === reductionAxis) {
    blockK = blockSize;
    const blocks = Math.ceil(shape.k / blockSize);
    // Stored [blocks, n] for B [k, n]; [n, blocks] for a transposed B: reorder to [blocks, n].
    perColumn = (values) => (transposed ? Float32Array.from({ length: blocks * shape.n }, (_, i) => values[(i % shape.n) * blocks + Math.floor(i / shape.n)]) : values);
  } else {
    return undefined;
  }
  const params = `${fingerprint(scales)}:${fingerprint(zeros)}`;
  return {
    source: q,
    nodeType: 'float32',
    key: `${q.type}:${transposed}:${blockK}:${params}`,
    matrix: { type: q.type as WeightMatrix['type'], values: q.data as Int8Array | Uint8Array, ...shape, blockK, scales: perColumn(scales), zeros: perColumn(zeros) },
  };
}

/**
 * A · B for A [..., k] (of B's node type) and a compressed B; undefined when the shapes or types are not the fast
 * path's. float16 values are computed in float32 and rounded once.
 */
function multiplyCompressed(a: unknown, w: WeightView, ctx: KernelContext): { values: Float32Array; dims: number[]; half: boolean } | undefined {
  if (!isTensor(a) || a.type !== w.nodeType) return undefined;
  const s = matmulShape(a.dims, [w.matrix.k, w.matrix.n]);
  if (!s || s.m * s.n * s.k === 0) return undefined;
  const half = a.type === 'float16';
  ctx.checkAllocation(a.type, s.m * s.n);
  const rt = runtime();
  const values = rt.withScratch((scratch) => {
    const rows = half ? halvesToFloats(rt, a.data as Uint16Array, scratch) : (a.data as Float32Array);
    const weight = rt.packed(w.source, `float:${w.key}`, scratch, (alloc) => packWeight(rt, w.matrix, alloc));
    return multiplyFloat(rt, rows, s.m, weight, scratch);
  });
  return { values, dims: s.outDims, half };
}

function output(values: Float32Array, dims: number[], half: boolean): Tensor {
  if (!half) return new Tensor('float32', values, dims);
  const rt = runtime();
  return new Tensor('float16', rt.withScratch((s) => floatsToHalves(rt, values, s)), dims);
}

/** MatMul with a compressed B (the integer path of qdq.ts has been tried first). */
export function compressedMatmul(inputs: KernelInputs, ctx: KernelContext): Tensor[] | undefined {
  const w = weightOf(inputs[1], false);
  const y = w && multiplyCompressed(inputs[0], w, ctx);
  return y && [output(y.values, y.dims, y.half)];
}

interface GemmAttributes {
  alpha: number;
  beta: number;
  transA: number;
  transB: number;
}

/** Gemm with a compressed B: alpha·A·B + beta·C, C broadcast over [m, n] (rank ≤ 2). */
export function compressedGemm(inputs: KernelInputs, attrs: GemmAttributes, ctx: KernelContext): Tensor[] | undefined {
  const a = inputs[0];
  if (attrs.transA !== 0 || !isTensor(a) || a.dims.length !== 2) return undefined;
  const w = weightOf(inputs[1], attrs.transB !== 0);
  if (!w || a.type !== w.nodeType) return undefined;
  const c = inputs[2];
  const half = a.type === 'float16';
  if (c !== undefined && c !== null && !(isTensor(c) && c.type === a.type && c.dims.length <= 2)) return undefined;
  const [m, n] = [a.dims[0], w.matrix.n];
  let bias: Float32Array | undefined;
  let biasDims: number[] = [];
  if (isTensor(c) && attrs.beta !== 0) {
    biasDims = c.dims.length === 0 ? [1, 1] : c.dims.length === 1 ? [1, c.dims[0]] : [...c.dims];
    if ((biasDims[0] !== 1 && biasDims[0] !== m) || (biasDims[1] !== 1 && biasDims[1] !== n)) return undefined;
    bias = half ? runtime().withScratch((s) => halvesToFloats(runtime(), c.data as Uint16Array, s)) : (c.data as Float32Array);
  }
  const y = multiplyCompressed(a, w, ctx);
  if (!y) return undefined;
  const values = y.values;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let v = attrs.alpha * values[i * n + j];
      if (bias) v += attrs.beta * bias[(biasDims[0] === 1 ? 0 : i * biasDims[1]) + (biasDims[1] === 1 ? 0 : j)];
      values[i * n + j] = v;
    }
  }
  return [output(values, [m, n], half)];
}

/** Cast float16 → float32 returns the float16 tensor, widened when read (so MatMul/Gemm can use it as it is). */
export function widenedCast(inputs: KernelInputs, to: number): Tensor[] | undefined {
  const half = tensorOf(inputs, 0, ['float16']);
  if (!half || to !== 1) return undefined;
  const origin: Widened = { kind: 'widened', half };
  // Decoded from a copy of the bits: a decode after the run must not see a reused feed.
  const bits = (half.data as Uint16Array).slice();
  return [lazyTensor('float32', half.dims, () => runtime().withScratch((s) => halvesToFloats(runtime(), bits, s)), origin)];
}
