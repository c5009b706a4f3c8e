/**
 * Integer convolution and matrix product drivers: they place operands in the module's memory, run the integer GEMM
 * block by block, and hand each block of int32 accumulators to an epilogue (requantize, scale to float, or copy).
 */
import type { Tensor } from '@onnx-ts/core';
import { armConfig } from './config.js';
import type { Conv2d } from './conv-geometry.js';
import { expandZeroPoints, multiply, packLeft, packRight, type Accumulators, type LeftOperand, type RightOperand } from './int-gemm.js';
import type { Runtime, Scratch } from './runtime.js';

export type ByteData = Int8Array | Uint8Array;

/** A cache key part for zero points: short when they are all equal. */
function zeroPointKey(zps: Int32Array): string {
  return zps.every((z) => z === zps[0]) ? `z${zps[0] ?? 0}` : `z[${zps.join(',')}]`;
}

export interface ConvOperands {
  x: ByteData;
  xZero: number;
  /** Weights [M, C/group, kh, kw] (or [M, C/group, kw]) as int8/uint8; its identity keys the packed-weight cache. */
  w: Tensor;
  /** Weight zero point per output channel. */
  wZeros: Int32Array;
}

/**
 * Where an epilogue writes a block: output rows (channels channel0.., one per accumulator row) of image n, columns
 * (pixels) p0.. of the output plane.
 */
export interface ConvBlock {
  acc: Accumulators;
  image: number;
  channel0: number;
  p0: number;
}

/**
 * Runs the integer convolution: for each image, group and block of output pixels, im2col (or a direct view for
 * 1×1 stride-1 kernels) into the right operand, the group's weights as the left operand.
 */
export function integerConv(rt: Runtime, scratch: Scratch, ops: ConvOperands, g: Conv2d, epilogue: (block: ConvBlock) => void): void {
  const e = rt.exports;
  const signedX = ops.x instanceof Int8Array;
  const signedW = ops.w.data instanceof Int8Array;
  const groupIn = g.inChannels / g.group;
  const groupOut = g.outChannels / g.group;
  const plane = g.h * g.w;
  const pixels = g.oh * g.ow;
  const depth = groupIn * g.kh * g.kw;
  const xAt = scratch.put(ops.x);
  const pointwise = g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.padTop === 0 && g.padLeft === 0 && g.oh === g.h && g.ow === g.w;
  let offsets = 0;
  if (!pointwise) {
    const table = new Int32Array(depth * 3);
    for (let c = 0, kk = 0; c < groupIn; c++) {
      for (let ky = 0; ky < g.kh; ky++) {
        for (let kx = 0; kx < g.kw; kx++, kk++) table.set([c * plane, ky * g.dh, kx * g.dw], kk * 3);
      }
    }
    offsets = scratch.put(table);
  }
  const zeroKey = zeroPointKey(ops.wZeros);
  const lefts: LeftOperand[] = [];
  for (let gi = 0; gi < g.group; gi++) {
    lefts.push(rt.packed(ops.w, `conv:${rt.build}:${gi}:${zeroKey}`, scratch, (alloc) => {
      const rows = (ops.w.data as ByteData).subarray(gi * groupOut * depth, (gi + 1) * groupOut * depth);
      return rt.withScratch((temp) => {
        const at = temp.put(rows);
        return packLeft(rt, { at, signed: signedW, rows: groupOut, cols: depth, rowStride: depth, colStride: 1 }, ops.wZeros.subarray(gi * groupOut, (gi + 1) * groupOut), alloc, temp);
      });
    }));
  }
  // Pixels per im2col block: several GEMM column blocks (nc), so fewer calls per convolution; the GEMM still walks
  // them nc columns at a time (about 10% faster than one nc per block on the light CNNs).
  const blockPixels = armConfig().tiles.nc * 4;
  const columnZeros = new Int32Array(blockPixels).fill(ops.xZero);
  const pad = ops.xZero & 0xff;
  for (let n = 0; n < g.batch; n++) {
    for (let gi = 0; gi < g.group; gi++) {
      const image = xAt + (n * g.inChannels + gi * groupIn) * plane;
      for (let p0 = 0; p0 < pixels; p0 += blockPixels) {
        const count = Math.min(blockPixels, pixels - p0);
        rt.withScratch((block) => {
          let columns = image + p0;
          let rowStride = plane;
          if (!pointwise) {
            columns = block.alloc(depth * count);
            e.im2col(image, g.h, g.w, offsets, depth, g.sh, g.sw, g.padTop, g.padLeft, g.ow, p0, count, pad, columns, count);
            rowStride = count;
          }
          const right = packRight(rt, { at: columns, signed: signedX, rows: depth, cols: count, rowStride, colStride: 1 }, columnZeros, (b) => block.alloc(b), block, lefts[gi].hasMin);
          epilogue({ acc: multiply(rt, lefts[gi], right, block), image: n, channel0: gi * groupOut, p0 });
        });
      }
    }
  }
}

export interface MatmulShape {
  /** Batches of the product (1 when B is a matrix shared by every row of A). */
  batches: number;
  m: number;
  k: number;
  n: number;
  outDims: number[];
}

/**
 * The matmul shapes the integer kernels run: B a matrix (A of any rank ≥ 1, its leading axes folded into rows), or
 * A and B of the same rank ≥ 3 with equal batch axes. Other shapes (broadcast batches, 1-D B) give undefined.
 */
export function matmulShape(aDims: readonly number[], bDims: readonly number[]): MatmulShape | undefined {
  if (aDims.length < 1 || bDims.length < 2) return undefined;
  const k = aDims[aDims.length - 1];
  const [kb, n] = bDims.slice(-2);
  if (k !== kb) return undefined;
  const lead = aDims.slice(0, -1);
  if (bDims.length === 2) {
    const m = lead.reduce((p, d) => p * d, 1);
    return { batches: 1, m, k, n, outDims: [...lead, n] };
  }
  if (aDims.length !== bDims.length) return undefined;
  const batchDims = aDims.slice(0, -2);
  if (batchDims.join() !== bDims.slice(0, -2).join()) return undefined;
  const batches = batchDims.reduce((p, d) => p * d, 1);
  return { batches, m: aDims[aDims.length - 2], k, n, outDims: [...batchDims, aDims[aDims.length - 2], n] };
}

export interface MatmulOperands {
  a: ByteData;
  /** Zero point of A: one value, or one per row when A is a matrix. */
  aZeros: ArrayLike<number>;
  /** B's tensor (its identity keys the packed-weight cache when B is a matrix). */
  b: Tensor;
  /** Zero point of B: one value, or one per column. */
  bZeros: ArrayLike<number>;
  /** B is stored transposed ([n, k]), as Gemm's transB gives it. */
  bTransposed?: boolean;
}

/** Runs batched integer matmuls; the epilogue receives each batch's accumulators. */
export function integerMatmul(rt: Runtime, scratch: Scratch, ops: MatmulOperands, s: MatmulShape, epilogue: (acc: Accumulators, batch: number) => void): void {
  const bData = ops.b.data as ByteData;
  const signedB = bData instanceof Int8Array;
  const signedA = ops.a instanceof Int8Array;
  const rowZeros = expandZeroPoints(ops.aZeros, s.m);
  const colZeros = expandZeroPoints(ops.bZeros, s.n);
  const matrixBytes = s.k * s.n;
  const packB = (batch: number, alloc: (bytes: number) => number, temp: Scratch, leftHasMin?: boolean): RightOperand => {
    const at = temp.put(bData.subarray(batch * matrixBytes, (batch + 1) * matrixBytes));
    const layout = ops.bTransposed ? { rowStride: 1, colStride: s.k } : { rowStride: s.n, colStride: 1 };
    return packRight(rt, { at, signed: signedB, rows: s.k, cols: s.n, ...layout }, colZeros, alloc, temp, leftHasMin);
  };
  const shared = s.batches === 1
    ? rt.packed(ops.b, `matmul:${rt.build}:${ops.bTransposed ? 't' : 'n'}:${zeroPointKey(colZeros)}`, scratch, (alloc) => rt.withScratch((temp) => packB(0, alloc, temp)))
    : undefined;
  for (let batch = 0; batch < s.batches; batch++) {
    rt.withScratch((block) => {
      const aAt = block.put(ops.a.subarray(batch * s.m * s.k, (batch + 1) * s.m * s.k));
      const left = packLeft(rt, { at: aAt, signed: signedA, rows: s.m, cols: s.k, rowStride: s.k, colStride: 1 }, rowZeros, (bytes) => block.alloc(bytes), block);
      const right = shared ?? packB(batch, (bytes) => block.alloc(bytes), block, left.hasMin);
      epilogue(multiply(rt, left, right, block), batch);
    });
  }
}
