/**
 * Conv on float32 NCHW (1-D and 2-D): a dedicated kernel for depthwise convolutions, Winograd F(2,3) for 3×3 stride-1
 * convolutions with enough channels, otherwise the packed GEMM with the prepacked weights as A and the image patches as
 * B, one problem per image and group. `convolve` also takes a clamp (lo, hi) applied in the kernels' epilogue, which
 * the optimizer's FusedConv nodes with a Relu or Clip activation use; the ONNX Conv passes none.
 */
import { attr, getBackend, kernelsFor, pickKernel, shapeSize, type KernelContext, type KernelInputs, type Tensor, type Value } from '@onnx-ts/core';
import { withScratch, writeJob, type Scratch } from '../runtime/call.js';
import { copiedConstant, packedConstant } from '../runtime/constants.js';
import { activeThreads, runJob } from '../runtime/pool.js';
import { wasmRuntime } from '../runtime/wasm.js';
import { accelerate, floatInput, referenceSpecs, withFastPath } from './accelerate.js';
import { packGroupsA, packedABytes, runGemm } from './gemm-plan.js';
import { paddedPlane, planeGeometry, type Plane, type WindowAttributes } from './geometry.js';

/**
 * Output width from which the patches are packed straight from the image (stride 1): narrower rows make most NR-wide
 * panels straddle two output rows, which the gather handles element by element.
 */
const DIRECT_PATCH_MIN_WIDTH = 24;

export interface ConvAttributes extends WindowAttributes {
  group: number;
  kernel_shape?: number[];
}

interface ConvShape {
  x: Tensor<'float32'>;
  w: Tensor<'float32'>;
  bias?: Tensor<'float32'>;
  batch: number;
  channels: number;
  filters: number;
  groups: number;
  plane: Plane;
  outDims: number[];
}

/** The convolution's shape when this backend handles it, else undefined (the reference kernel runs and validates). */
function convShape(inputs: KernelInputs, a: ConvAttributes): ConvShape | undefined {
  const x = floatInput(inputs, 0);
  const w = floatInput(inputs, 1);
  const bias = floatInput(inputs, 2);
  if (!x || !w || (inputs[2] != null && !bias)) return undefined;
  const rank = x.dims.length;
  if ((rank !== 3 && rank !== 4) || w.dims.length !== rank) return undefined;
  const [batch, channels] = x.dims;
  const filters = w.dims[0];
  const groups = a.group;
  if (!Number.isInteger(groups) || groups < 1 || channels % groups || filters % groups || w.dims[1] * groups !== channels) return undefined;
  if (bias && (bias.dims.length !== 1 || bias.dims[0] !== filters)) return undefined;
  const kernel = w.dims.slice(2);
  if (a.kernel_shape && (a.kernel_shape.length !== kernel.length || a.kernel_shape.some((k, i) => k !== kernel[i]))) return undefined;
  const plane = planeGeometry(x.dims.slice(2), kernel, a);
  if (!plane || batch * channels * filters === 0 || shapeSize(x.dims) === 0) return undefined;
  const outDims = [batch, filters, ...(rank === 4 ? [plane.outH, plane.outW] : [plane.outW])];
  return { x, w, bias, batch, channels, filters, groups, plane, outDims };
}

export function convolve(inputs: KernelInputs, a: ConvAttributes, ctx: KernelContext, lo = -Infinity, hi = Infinity): Value[] | undefined {
  const s = convShape(inputs, a);
  if (!s) return undefined;
  const { x, w, bias, plane: g } = s;
  const outSize = shapeSize(s.outDims);
  ctx.checkAllocation('float32', outSize);
  return withScratch((scratch) => {
    const xAt = scratch.tensor(x);
    const yAt = scratch.output(outSize);
    const biasAt = bias ? copiedConstant(bias, scratch) : 0;
    const outPlane = g.outH * g.outW;
    if (s.groups === s.channels && s.filters === s.channels) {
      const wAt = copiedConstant(w, scratch);
      const threads = s.channels * outPlane * g.kh * g.kw > 1 << 16 ? activeThreads() : 1;
      const { rows, cols } = paddedPlane(g);
      const planeBytes = Math.ceil((rows * cols * 4) / 64) * 64;
      const buffers = scratch.alloc(planeBytes * threads);
      const job = writeJob([0, s.batch * s.channels, s.channels, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw,
        g.outH, g.outW, xAt, wAt, biasAt, yAt, lo, hi, 0, g.phEnd, g.pwEnd, rows, cols, buffers, planeBytes], [19, 20]);
      runJob('depthwiseJob', job, threads);
    } else if (useWinograd(s)) {
      winograd(s, xAt, yAt, biasAt, lo, hi, scratch);
    } else {
      const m = s.filters / s.groups;
      const k = (s.channels / s.groups) * g.kh * g.kw;
      const packed = packedConstant('conv-a', [w], packedABytes(m, k) * s.groups, scratch, (at) => {
        const raw = scratch.tensor(w);
        packGroupsA(at, raw, s.groups, m, k);
      });
      const groupChannels = s.channels / s.groups;
      const common = { groups: s.batch * s.groups, aGroups: s.groups, M: m, N: outPlane, K: k, a: packed, c: yAt, ldc: outPlane, cGroupStride: m * outPlane * 4, bias: biasAt, lo, hi };
      const pointwise = g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph + g.pw + g.phEnd + g.pwEnd === 0;
      if (pointwise) {
        // A 1×1 convolution multiplies by the image itself: [channels] × [pixels].
        runGemm({ ...common, b: xAt, bGroupStride: groupChannels * outPlane * 4, matrix: { rowStride: outPlane, colStride: 1 } }, scratch);
      } else if (g.sw === 1 && g.outW >= DIRECT_PATCH_MIN_WIDTH) {
        runGemm({ ...common, b: xAt, bGroupStride: groupChannels * g.H * g.W * 4, conv: g }, scratch);
      } else {
        // Strided or narrow outputs: the patches are gathered row by row first (im2col), then packed as a matrix.
        const columns = scratch.alloc(common.groups * k * outPlane * 4);
        const tiles = common.groups * groupChannels;
        runJob('im2colJob', writeJob([0, tiles, groupChannels, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.outH, g.outW, xAt, columns]),
          k * outPlane * common.groups > 1 << 16 ? activeThreads() : 1);
        runGemm({ ...common, b: columns, bGroupStride: k * outPlane * 4, matrix: { rowStride: outPlane, colStride: 1 } }, scratch);
      }
    }
    return [scratch.result(yAt, s.outDims)];
  });
}

/**
 * Winograd F(2,3) pays off for 3×3 stride-1 convolutions with enough channels on both sides: 16 products per 2×2
 * output block instead of 36, at the cost of transforms that are linear in the channel counts.
 */
const WINOGRAD_MIN_CHANNELS = 16;

function useWinograd(s: ConvShape): boolean {
  const g = s.plane;
  return s.groups === 1 && g.kh === 3 && g.kw === 3 && g.sh === 1 && g.sw === 1 && g.dh === 1 && g.dw === 1 &&
    s.channels >= WINOGRAD_MIN_CHANNELS && s.filters >= WINOGRAD_MIN_CHANNELS;
}

function winograd(s: ConvShape, xAt: number, yAt: number, biasAt: number, lo: number, hi: number, scratch: Scratch): void {
  const g = s.plane;
  const C = s.channels, M = s.filters;
  const tilesH = Math.ceil(g.outH / 2), tilesW = Math.ceil(g.outW / 2), T = tilesH * tilesW;
  const rt = wasmRuntime();
  const packed = packedConstant('winograd-a', [s.w], 16 * packedABytes(M, C), scratch, (at) => {
    const raw = scratch.tensor(s.w);
    const u = scratch.alloc(16 * M * C * 4);
    for (let i = 0; i < M * C; i++) rt.exports.winogradFilter(u + i * 4, M * C * 4, raw + i * 36);
    packGroupsA(at, u, 16, M, C);
  });
  // The 16 matrices of V and of the products sit apart by a stride off multiples of 4 KiB, so the transforms' 16
  // streams do not all map to the same cache sets.
  const stride = (bytes: number): number => bytes + 256;
  const vStride = stride(C * T * 4);
  const pStride = stride(M * T * 4);
  const v = scratch.alloc(16 * vStride);
  const products = scratch.alloc(16 * pStride);
  const parallel = M * C * T > 1 << 16 ? activeThreads() : 1;
  for (let n = 0; n < s.batch; n++) {
    const image = xAt + n * C * g.H * g.W * 4;
    const out = yAt + n * M * g.outH * g.outW * 4;
    runJob('winogradInputJob', writeJob([0, C, C, g.H, g.W, g.ph, g.pw, tilesH, tilesW, image, v, g.outH, g.outW, M, 0, 0, 0, vStride]), parallel);
    runGemm({
      groups: 16, aGroups: 16, M, N: T, K: C, a: packed, b: v, bGroupStride: vStride, matrix: { rowStride: T, colStride: 1 },
      c: products, ldc: T, cGroupStride: pStride, bias: 0, lo: -Infinity, hi: Infinity,
    }, scratch);
    runJob('winogradOutputJob', writeJob([0, M, C, g.H, g.W, g.ph, g.pw, tilesH, tilesW, products, out, g.outH, g.outW, M, biasAt, lo, hi, pStride], [15, 16]), parallel);
  }
}

/** The domain of the optimizer's fused ops, and the Conv opset whose attributes FusedConv takes. */
const FUSED_DOMAIN = 'com.onnx-ts';
const FUSED_BASE_OPSET = 13;
const FUSED_BACKEND = 'onnx-ts-fused';

/** The clamp (lo, hi) an activation of a fused node amounts to, or undefined when it is not one. */
function activationClamp(activation: string, params: readonly number[]): [number, number] | undefined {
  if (activation === 'Relu' && params.length === 0) return [0, Infinity];
  // The fused ops' Clip takes lo for values under lo even when lo > hi; the clamp would give hi.
  if (activation === 'Clip' && params.length === 2 && params[0] <= params[1]) return [params[0], params[1]];
  return undefined;
}

const baseConv = referenceSpecs('Conv').find((k) => k.since <= FUSED_BASE_OPSET && (k.until === undefined || k.until >= FUSED_BASE_OPSET))!;

/**
 * FusedConv (the optimizer's Conv + activation): Relu and Clip become the convolution's clamp; other activations, and
 * convolutions outside the fast path, run on the kernel of the optimizer's 'onnx-ts-fused' backend.
 */
const fusedConv = withFastPath({
  op: 'FusedConv',
  domain: FUSED_DOMAIN,
  since: 1,
  dtypes: ['float32'],
  attrs: { ...baseConv.attrs, activation: attr.string.required(), activation_params: attr.floats([]) },
  run: (inputs, a, ctx) => {
    const owner = getBackend(FUSED_BACKEND);
    const kernel = owner && pickKernel(kernelsFor(owner, FUSED_DOMAIN, 'FusedConv', ctx.opset), ['float32']);
    if (!kernel) throw new Error(`FusedConv: activation '${a.activation}' needs the '${FUSED_BACKEND}' backend of @onnx-ts/optimizer, which is not loaded`);
    return kernel.run(inputs, a, ctx);
  },
}, (inputs, a, ctx) => {
  const clamp = activationClamp(a.activation, a.activation_params);
  return clamp && convolve(inputs, a, ctx, clamp[0], clamp[1]);
});

export default [...accelerate('Conv', (inputs, a: ConvAttributes, ctx) => convolve(inputs, a, ctx)), fusedConv];
