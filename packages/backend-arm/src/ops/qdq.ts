/**
 * Conv, MatMul and Gemm whose inputs come from DequantizeLinear on 'arm' (the QDQ format: DequantizeLinear → op →
 * QuantizeLinear): the integer kernels run on the quantized data and scale the int32 result to float32,
 * y = Σ (x - zx)(w - zw) · sx·sw + bias. No graph rewrite is needed: DequantizeLinear's outputs remember their
 * quantized source (lazy.ts). MatMul's result stays int32 until read, so the Add of a bias and the QuantizeLinear
 * that follow, like dynamic quantization's Cast → Mul → Add after MatMulInteger, are one pass (scaled.ts). Relu of a
 * dequantized tensor stays quantized, and Relu of a residual sum that already applied it (qdq-layout.ts) passes it
 * on. Inputs without such origins (plain float32 nodes) go to backend-cpu's kernels, other types to the reference's;
 * compressed weights (float16, weight-only int8/int4) to compressed.ts.
 */
import { Tensor, isTensor, type KernelContext, type KernelInputs } from '@onnx-ts/core';
import { conv2dGeometry, type Conv2d, type ConvAttributes } from '../conv-geometry.js';
import { isScalar, withFastPath } from '../delegate.js';
import { integerConv, integerMatmul, matmulShape, type ByteData } from '../int-ops.js';
import { lazyTensor, originOf, ownTensor, type Dequantized } from '../lazy.js';
import { quantizeAfter, type QuantizeAfter } from '../readers.js';
import { PER_COLUMN, PER_ROW, PER_TENSOR, runtime } from '../runtime.js';
import { compressedGemm, compressedMatmul, widenedCast } from './compressed.js';
import { floatKernels } from './float-kernels.js';
import { byteRange } from './integer-matmul.js';
import { isRectified, maxWith, reference, reluOfPrequantized, sumToBytes, sumToFloat } from './qdq-layout.js';
import { decodeLater, isRoundTripScale, requantizeBytes } from './quantize.js';
import { addDequantized, addScaled, castScaled, mulScaled, scaledTensor } from './scaled.js';

/** A DequantizeLinear origin with 8-bit data, unblocked, quantized per tensor or along `axis`. */
function byteOrigin(v: unknown, axis?: number): Dequantized | undefined {
  const o = originOf(v);
  if (o?.kind !== 'dequantized' || o.blockSize !== 0) return undefined;
  if (o.q.type !== 'int8' && o.q.type !== 'uint8') return undefined;
  if (o.axis !== undefined && o.axis !== axis) return undefined;
  return o;
}

const scalesOf = (o: Dequantized): Float32Array => o.scale.data as Float32Array;
const zerosOf = (o: Dequantized): ByteData => (o.zeroPoint?.data as ByteData | undefined) ?? new Uint8Array(1);

/** Per-channel products sx·sw[c] (f64, exact for two float32 values), times `alpha`. */
function combinedScales(x: Dequantized, w: Dequantized, channels: number, alpha = 1): Float64Array {
  const xs = scalesOf(x)[0];
  const ws = scalesOf(w);
  const out = new Float64Array(ws.length === 1 ? 1 : channels);
  for (let c = 0; c < out.length; c++) out[c] = alpha * xs * ws[c];
  return out;
}

/** A float32 vector of `length` values (a bias), or undefined when the input is something else. */
function floatVector(v: unknown, length: number): Float32Array | undefined {
  return isTensor(v) && v.type === 'float32' && v.dims.length === 1 && v.size === length ? (v.data as Float32Array) : undefined;
}

/** A DequantizeLinear → Conv on integers: the operands, geometry, per-channel sx·sw and the float32 bias. */
interface QdqConv {
  x: Dequantized;
  w: Dequantized;
  bias?: Float32Array;
  g: Conv2d;
  scales: Float64Array;
}

/**
 * y = Σ (x - zx)(w - zw) · sx·sw + bias as float32 — or, given the QuantizeLinear after it, that QuantizeLinear of
 * y, from the same float32 values in the same pass.
 */
function runQdqConv(c: QdqConv, quantizeTo?: QuantizeAfter): Float32Array | Int8Array | Uint8Array {
  const { g, scales } = c;
  const pixels = g.oh * g.ow;
  const size = g.batch * g.outChannels * pixels;
  const wZeros = zerosOf(c.w);
  const rt = runtime();
  const width = quantizeTo ? 1 : 4;
  const [lo, hi] = quantizeTo ? byteRange(quantizeTo.type) : [0, 0];
  return rt.withScratch((scratch) => {
    const out = scratch.alloc(size * width);
    const scaleAt = scratch.put(scales);
    const biasAt = c.bias ? scratch.put(c.bias) : 0;
    const ops = {
      x: c.x.q.data as ByteData, xZero: zerosOf(c.x)[0], w: c.w.q,
      wZeros: wZeros.length === 1 ? new Int32Array(g.outChannels).fill(wZeros[0]) : Int32Array.from(wZeros),
    };
    const perChannel = scales.length > 1;
    integerConv(rt, scratch, ops, g, ({ acc, image, channel0, p0 }) => {
      const scale = scaleAt + (perChannel ? channel0 * 8 : 0);
      const scaleMode = perChannel ? PER_ROW : PER_TENSOR;
      const bias = biasAt && biasAt + channel0 * 4;
      const at = out + ((image * g.outChannels + channel0) * pixels + p0) * width;
      if (!quantizeTo) rt.exports.scaleToFloat(acc.at, acc.ldc, acc.rows, acc.cols, scale, scaleMode, 0, PER_TENSOR, bias, PER_ROW, at, pixels * 4);
      else rt.exports.scaleToBytes(acc.at, acc.ldc, acc.rows, acc.cols, scale, scaleMode, bias, PER_ROW, quantizeTo.scale, quantizeTo.zeroPoint, lo, hi, at, pixels);
    });
    if (!quantizeTo) return rt.read(Float32Array, out, size);
    return quantizeTo.type === 'int8' ? rt.read(Int8Array, out, size) : rt.read(Uint8Array, out, size);
  });
}

const isDepthwise = (g: Conv2d): boolean => g.group > 1 && g.group === g.inChannels;

const conv = withFastPath('Conv', (inputs: KernelInputs, attrs: ConvAttributes, ctx) => {
  const x = byteOrigin(inputs[0]);
  const w = byteOrigin(inputs[1], 0);
  if (!x || !w || x.axis !== undefined) return undefined;
  const g = conv2dGeometry(x.q.dims, w.q.dims, attrs);
  // Depthwise convolutions are one tiny GEMM per channel here; backend-cpu's depthwise float kernel is far faster.
  if (!g || isDepthwise(g)) return undefined;
  let bias: Float32Array | undefined;
  if (inputs[2] !== undefined && inputs[2] !== null) {
    bias = floatVector(inputs[2], g.outChannels);
    if (!bias) return undefined;
  }
  ctx.checkAllocation('float32', g.batch * g.outChannels * g.oh * g.ow);
  const c: QdqConv = { x, w, bias, g, scales: combinedScales(x, w, g.outChannels) };
  const next = quantizeAfter(ctx);
  if (!next) return [new Tensor('float32', runQdqConv(c) as Float32Array, g.outDims)];
  // Only that QuantizeLinear reads the output, during this run: the floats are computed again if it reads them.
  const q = ownTensor(new Tensor(next.type, runQdqConv(c, next) as Int8Array | Uint8Array, g.outDims));
  return [lazyTensor('float32', g.outDims, () => runQdqConv(c) as Float32Array, { kind: 'prequantized', q, scale: next.scale, zeroPoint: next.zeroPoint })];
}, floatKernels('Conv'));

const matmul = withFastPath('MatMul', (inputs: KernelInputs, _attrs, ctx) => integerMatmulOf(inputs, ctx) ?? compressedMatmul(inputs, ctx), floatKernels('MatMul'));

function integerMatmulOf(inputs: KernelInputs, ctx: KernelContext): Tensor[] | undefined {
  const a = byteOrigin(inputs[0]);
  if (!a || a.axis !== undefined) return undefined;
  const bOrigin = originOf(inputs[1]);
  const b = byteOrigin(inputs[1], bOrigin?.kind === 'dequantized' ? bOrigin.q.dims.length - 1 : undefined);
  if (!b || (b.axis !== undefined && b.q.dims.length !== 2)) return undefined;
  const s = matmulShape(a.q.dims, b.q.dims);
  if (!s || s.m * s.n * s.k === 0) return undefined;
  const size = s.batches * s.m * s.n;
  ctx.checkAllocation('float32', size);
  const scales = combinedScales(a, b, s.n);
  const rt = runtime();
  const acc = rt.withScratch((scratch) => {
    const out = scratch.alloc(size * 4);
    integerMatmul(rt, scratch, { a: a.q.data as ByteData, aZeros: zerosOf(a), b: b.q, bZeros: zerosOf(b) }, s, (block, batch) => {
      rt.exports.copyRows(block.at, block.ldc, s.m, s.n, out + batch * s.m * s.n * 4, s.n * 4);
    });
    return rt.read(Int32Array, out, size);
  });
  // Float values only when read: a following Add of the bias or QuantizeLinear works on the accumulators (scaled.ts).
  return [scaledTensor({ kind: 'scaled', acc, rows: s.batches * s.m, cols: s.n, scale: scales }, s.outDims)];
}

interface GemmAttributes {
  alpha: number;
  beta: number;
  transA: number;
  transB: number;
}

/** C's dims as a matrix that broadcasts to [m, n] (numpy-style, rank ≤ 2), or undefined. */
function biasDims(c: Tensor, m: number, n: number): number[] | undefined {
  const dims = c.dims.length === 0 ? [1, 1] : c.dims.length === 1 ? [1, c.dims[0]] : [...c.dims];
  return dims.length === 2 && (dims[0] === 1 || dims[0] === m) && (dims[1] === 1 || dims[1] === n) ? dims : undefined;
}

/** Adds beta·C (C broadcast from `dims`) to y [m, n] in place. */
function addScaledBias(y: Float32Array, m: number, n: number, c: Tensor, dims: number[], beta: number): void {
  const cv = c.data as Float32Array;
  const rowStep = dims[0] === 1 ? 0 : dims[1];
  const colStep = dims[1] === 1 ? 0 : 1;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) y[i * n + j] += beta * cv[i * rowStep + j * colStep];
  }
}

const gemm = withFastPath('Gemm', (inputs: KernelInputs, attrs: GemmAttributes, ctx) => integerGemmOf(inputs, attrs, ctx) ?? compressedGemm(inputs, attrs, ctx), floatKernels('Gemm'));

function integerGemmOf(inputs: KernelInputs, attrs: GemmAttributes, ctx: KernelContext): Tensor[] | undefined {
  const a = byteOrigin(inputs[0]);
  const b = byteOrigin(inputs[1], attrs.transB ? 0 : 1);
  if (!a || !b || a.axis !== undefined || attrs.transA !== 0 || a.q.dims.length !== 2 || b.q.dims.length !== 2) return undefined;
  const [m, k] = a.q.dims;
  const [kb, n] = attrs.transB ? [b.q.dims[1], b.q.dims[0]] : b.q.dims;
  if (k !== kb || m * n * k === 0) return undefined;
  const c = inputs[2];
  if (c !== undefined && c !== null && !(isTensor(c) && c.type === 'float32')) return undefined;
  const cDims = isTensor(c) ? biasDims(c, m, n) : undefined;
  if (isTensor(c) && !cDims) return undefined;
  ctx.checkAllocation('float32', m * n);
  const scales = combinedScales(a, b, n, attrs.alpha);
  const rt = runtime();
  const y = rt.withScratch((scratch) => {
    const out = scratch.alloc(m * n * 4);
    const scaleAt = scratch.put(scales);
    const shape = { batches: 1, m, k, n, outDims: [m, n] };
    integerMatmul(rt, scratch, { a: a.q.data as ByteData, aZeros: zerosOf(a), b: b.q, bZeros: zerosOf(b), bTransposed: attrs.transB !== 0 }, shape, (acc) => {
      rt.exports.scaleToFloat(acc.at, acc.ldc, m, n, scaleAt, scales.length > 1 ? PER_COLUMN : PER_TENSOR, 0, PER_TENSOR, 0, PER_TENSOR, out, n * 4);
    });
    return rt.read(Float32Array, out, m * n);
  });
  if (isTensor(c) && cDims && attrs.beta !== 0) addScaledBias(y, m, n, c, cDims, attrs.beta);
  return [new Tensor('float32', y, [m, n])];
}

/**
 * Relu of a tensor dequantized per tensor with a positive scale is the dequantization of max(q, zero point): it
 * stays quantized (and a QuantizeLinear after it maps the bytes through a table, quantize.ts).
 */
const relu = withFastPath('Relu', (inputs: KernelInputs, attrs, ctx) => {
  if (isRectified(inputs[0])) return [inputs[0]];
  const before = reluOfPrequantized(inputs, attrs, ctx);
  if (before) return before;
  const x = byteOrigin(inputs[0]);
  if (!x || x.axis !== undefined || !isScalar(x.scale) || !isRoundTripScale(scalesOf(x)[0])) return undefined;
  const next = quantizeAfter(ctx);
  if (next) {
    // Relu and the QuantizeLinear after it in one table; the floats only if that QuantizeLinear reads them.
    const q = ownTensor(requantizeBytes(x, next.scale, next.zeroPoint, next.type, true));
    const floats = (): Float32Array => reference('Relu', inputs, attrs, ctx).data as Float32Array;
    return [lazyTensor('float32', q.dims, floats, { kind: 'prequantized', q, scale: next.scale, zeroPoint: next.zeroPoint })];
  }
  const origin: Dequantized = { ...x, q: maxWith(x.q, zerosOf(x)[0]) };
  return [lazyTensor('float32', x.q.dims, decodeLater(origin), origin)];
}, floatKernels('Relu'));

const mul = withFastPath('Mul', (inputs: KernelInputs) => mulScaled(inputs), floatKernels('Mul'));
const add = withFastPath('Add', (inputs: KernelInputs, attrs, ctx) => addScaled(inputs) ?? addDequantized(inputs) ?? sumToBytes('Add', inputs, attrs, ctx) ?? sumToFloat(inputs, ctx), floatKernels('Add'));
const cast = withFastPath('Cast', (inputs: KernelInputs, attrs: { to: number }) => castScaled(inputs, attrs.to) ?? widenedCast(inputs, attrs.to), floatKernels('Cast'));

export default [...conv, ...matmul, ...gemm, ...relu, ...mul, ...add, ...cast];
