/**
 * AffineGrid (opset 20): the sampling grid of GridSample for a batch of affine matrices. theta (N, 2, 3) with
 * size (N, C, H, W) gives (N, H, W, 2); theta (N, 3, 4) with size (N, C, D, H, W) gives (N, D, H, W, 3).
 */
import { FLOAT_DTYPES, attr, defineKernel, shapeSize } from '@onnx-ts/core';
import { expectType, tensorInput } from './inputs.js';
import { fromComputed, integerValues, numericValues } from './numeric.js';

const OP = 'AffineGrid';

/** Normalized coordinate of position i along an axis of length len, in [-1, 1]. */
function normalized(i: number, len: number, alignCorners: boolean): number {
  if (alignCorners) return len === 1 ? -1 : -1 + (2 * i) / (len - 1);
  return (2 * i + 1) / len - 1;
}

export default [
  defineKernel({
    op: OP, since: 20,
    dtypes: FLOAT_DTYPES,
    attrs: { align_corners: attr.int(0) },
    run: ([thetaIn, sizeIn], { align_corners }, ctx) => {
      const theta = tensorInput(OP, thetaIn, 'theta');
      const sizeT = tensorInput(OP, sizeIn, 'size');
      expectType(OP, sizeT, 'size', ['int64']);
      const size = integerValues(OP, 'size', sizeT);
      if (size.length !== 4 && size.length !== 5) {
        throw new Error(`${OP}: size must hold 4 (N, C, H, W) or 5 (N, C, D, H, W) values, got ${size.length}`);
      }
      const r = size.length - 2;
      const N = size[0];
      const spatial = size.slice(2);
      if (theta.dims.length !== 3 || theta.dims[0] !== N || theta.dims[1] !== r || theta.dims[2] !== r + 1) {
        throw new Error(`${OP}: theta must have shape [${N}, ${r}, ${r + 1}] for size [${size.join(', ')}], got [${theta.dims.join(', ')}]`);
      }
      if (size.some((d) => d < 0)) throw new Error(`${OP}: size has a negative entry [${size.join(', ')}]`);
      const outDims = [N, ...spatial, r];
      const points = shapeSize(spatial);
      ctx.checkAllocation(theta.type, N * points * r);
      const t = numericValues(OP, 'theta', theta);
      const out = new Float64Array(N * points * r);
      const aligned = align_corners !== 0;
      // Homogeneous source point (x, y[, z], 1): x runs along the innermost spatial axis.
      const homogeneous = new Float64Array(r + 1);
      homogeneous[r] = 1;
      for (let p = 0; p < points; p++) {
        let rest = p;
        for (let d = r - 1; d >= 0; d--) {
          const len = spatial[d];
          const i = rest % len;
          rest = (rest - i) / len;
          homogeneous[r - 1 - d] = normalized(i, len, aligned);
        }
        for (let n = 0; n < N; n++) {
          const base = (n * points + p) * r;
          for (let row = 0; row < r; row++) {
            let sum = 0;
            for (let k = 0; k <= r; k++) sum += t[(n * r + row) * (r + 1) + k] * homogeneous[k];
            out[base + row] = sum;
          }
        }
      }
      return [fromComputed(theta.type, out, outDims)];
    },
  }),
];
