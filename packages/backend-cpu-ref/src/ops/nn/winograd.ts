/**
 * Winograd F(2×2, 3×3) for the common 3×3, stride 1, undilated 2-D convolution: each 2×2 block of outputs comes
 * from a 4×4 input patch with 16 multiplies per (input, output) channel pair instead of 36. Per image and group, the
 * transformed filters U (16 matrices [M/group, C/group]) multiply the transformed patches V (16 matrices
 * [C/group, tiles]) through the shared GEMM, and each product is transformed back into a 2×2 output block.
 * The transforms only add, subtract and halve, so the results match direct convolution to float32 rounding.
 */
import { shapeSize } from '@onnx-ts/core';
import { gemm } from '../../util/gemm.js';
import type { ConvProblem } from './convolution.js';
import type { FloatArray } from './float-data.js';

/** Elements of the transformed patches and products held at once (16 MiB of float64). */
const TILE_BUDGET = 1 << 21;
/** Below this many channels the 16 thin products cost more than the multiplies they save. */
const MIN_CHANNELS = 8;

/** Whether a convolution is one Winograd F(2×2, 3×3) computes: 2-D, 3×3, stride 1, no dilation, enough channels. */
export function winogradApplies(p: ConvProblem): boolean {
  const w = p.window;
  return (
    w.kernel.length === 2 && w.kernel[0] === 3 && w.kernel[1] === 3 &&
    w.strides.every((s) => s === 1) && w.dilations.every((d) => d === 1) &&
    p.inChannels / p.group >= MIN_CHANNELS && p.outChannels / p.group >= MIN_CHANNELS
  );
}

/** U = G·g·Gᵀ for every filter, laid out as 16 matrices [outChannels, groupIn]. */
function transformFilters(w: FloatArray, outChannels: number, groupIn: number): Float64Array {
  const u = new Float64Array(16 * outChannels * groupIn);
  const plane = outChannels * groupIn;
  const s = new Float64Array(12);
  for (let m = 0; m < outChannels; m++) {
    for (let c = 0; c < groupIn; c++) {
      const g = (m * groupIn + c) * 9;
      // Rows of G·g: g0, (g0+g1+g2)/2, (g0-g1+g2)/2, g2.
      for (let j = 0; j < 3; j++) {
        const g0 = w[g + j], g1 = w[g + 3 + j], g2 = w[g + 6 + j];
        s[j] = g0;
        s[3 + j] = (g0 + g1 + g2) / 2;
        s[6 + j] = (g0 - g1 + g2) / 2;
        s[9 + j] = g2;
      }
      // The same combination along each row.
      for (let i = 0; i < 4; i++) {
        const a = s[i * 3], b = s[i * 3 + 1], e = s[i * 3 + 2];
        const at = i * 4 * plane + m * groupIn + c;
        u[at] = a;
        u[at + plane] = (a + b + e) / 2;
        u[at + 2 * plane] = (a - b + e) / 2;
        u[at + 3 * plane] = e;
      }
    }
  }
  return u;
}

/** Adds the product of a 3×3, stride 1, undilated convolution to out (which holds the bias or zeros). */
export function winogradConv(p: ConvProblem, x: FloatArray, w: FloatArray, out: FloatArray): void {
  const { batch, inChannels: C, outChannels: M, group, window } = p;
  const [H, W] = window.image;
  const [OH, OW] = window.grid;
  const [top, left] = window.padBegin;
  const groupIn = C / group;
  const groupOut = M / group;
  const imageSize = H * W;
  const gridSize = shapeSize(window.grid);
  const tilesH = Math.ceil(OH / 2);
  const tilesW = Math.ceil(OW / 2);
  const tiles = tilesH * tilesW;
  const chunk = Math.max(1, Math.min(tiles, Math.floor(TILE_BUDGET / (16 * (groupIn + groupOut)))));
  const u = transformFilters(w, M, groupIn);
  const v = new Float64Array(16 * groupIn * chunk);
  const products = new Float64Array(16 * groupOut * chunk);
  const patch = new Float64Array(16);
  const rows = new Float64Array(16);

  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < group; g++) {
      const xAt = (n * C + g * groupIn) * imageSize;
      const outAt = (n * M + g * groupOut) * gridSize;
      for (let from = 0; from < tiles; from += chunk) {
        const count = Math.min(chunk, tiles - from);
        // V = Bᵀ·d·B for the 4×4 patch d of every tile and input channel.
        const vPlane = groupIn * count;
        for (let c = 0; c < groupIn; c++) {
          const plane = xAt + c * imageSize;
          for (let t = 0; t < count; t++) {
            const th = Math.floor((from + t) / tilesW);
            const tw = from + t - th * tilesW;
            const h0 = 2 * th - top;
            const w0 = 2 * tw - left;
            for (let i = 0; i < 4; i++) {
              const h = h0 + i;
              for (let j = 0; j < 4; j++) {
                const col = w0 + j;
                patch[i * 4 + j] = h >= 0 && h < H && col >= 0 && col < W ? x[plane + h * W + col] : 0;
              }
            }
            // Rows of Bᵀ·d: d0-d2, d1+d2, d2-d1, d1-d3.
            for (let j = 0; j < 4; j++) {
              const d0 = patch[j], d1 = patch[4 + j], d2 = patch[8 + j], d3 = patch[12 + j];
              rows[j] = d0 - d2;
              rows[4 + j] = d1 + d2;
              rows[8 + j] = d2 - d1;
              rows[12 + j] = d1 - d3;
            }
            for (let i = 0; i < 4; i++) {
              const a = rows[i * 4], b = rows[i * 4 + 1], e = rows[i * 4 + 2], f = rows[i * 4 + 3];
              const at = i * 4 * vPlane + c * count + t;
              v[at] = a - e;
              v[at + vPlane] = b + e;
              v[at + 2 * vPlane] = e - b;
              v[at + 3 * vPlane] = b - f;
            }
          }
        }
        // One product per transformed position: [groupOut, groupIn] · [groupIn, count].
        for (let xi = 0; xi < 16; xi++) {
          gemm({
            transA: false, transB: false, M: groupOut, N: count, K: groupIn, alpha: 1, beta: 0,
            a: u, aOffset: (xi * M + g * groupOut) * groupIn, lda: groupIn,
            b: v, bOffset: xi * vPlane, ldb: count,
            c: products, cOffset: xi * groupOut * count, ldc: count,
          });
        }
        // Y = Aᵀ·m·A, the 2×2 output block of every tile and output channel (cut at the bottom/right edge).
        const mPlane = groupOut * count;
        for (let m = 0; m < groupOut; m++) {
          const plane = outAt + m * gridSize;
          for (let t = 0; t < count; t++) {
            const th = Math.floor((from + t) / tilesW);
            const tw = from + t - th * tilesW;
            for (let j = 0; j < 4; j++) {
              const at = j * mPlane + m * count + t;
              const m0 = products[at], m1 = products[at + 4 * mPlane], m2 = products[at + 8 * mPlane], m3 = products[at + 12 * mPlane];
              // Rows of Aᵀ·m: m0+m1+m2, m1-m2-m3.
              rows[j] = m0 + m1 + m2;
              rows[4 + j] = m1 - m2 - m3;
            }
            for (let i = 0; i < 2; i++) {
              const oh = 2 * th + i;
              if (oh >= OH) break;
              const a = rows[i * 4], b = rows[i * 4 + 1], e = rows[i * 4 + 2], f = rows[i * 4 + 3];
              const at = plane + oh * OW + 2 * tw;
              out[at] += a + b + e;
              if (2 * tw + 1 < OW) out[at + 1] += b - e - f;
            }
          }
        }
      }
    }
  }
}
