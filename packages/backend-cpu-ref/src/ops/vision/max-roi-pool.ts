/**
 * MaxRoiPool: max pooling of each region of interest (rois rows: batch index, x1, y1, x2, y2) into pooled_shape
 * bins. Region corners are rounded to whole pixels and the region includes both ends, as in Fast R-CNN.
 */
import { FLOAT_DTYPES, attr, defineKernel } from '@onnx-ts/core';
import { expectRank, tensorInput } from './inputs.js';
import { fromComputed, numericValues } from './numeric.js';

const OP = 'MaxRoiPool';

/** C's round(): halves away from zero. */
function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}

export default [
  defineKernel({
    op: OP, since: 1,
    dtypes: FLOAT_DTYPES,
    attrs: { pooled_shape: attr.ints.required(), spatial_scale: attr.float(1) },
    run: ([xIn, roisIn], { pooled_shape, spatial_scale }) => {
      const X = tensorInput(OP, xIn, 'X');
      const rois = tensorInput(OP, roisIn, 'rois');
      expectRank(OP, X, 'X', 4);
      if (rois.dims.length !== 2 || rois.dims[1] !== 5) {
        throw new Error(`${OP}: rois must have shape [num_rois, 5], got [${rois.dims.join(', ')}]`);
      }
      if (pooled_shape.length !== 2 || pooled_shape.some((d) => d < 1)) {
        throw new Error(`${OP}: pooled_shape must be two positive ints, got [${pooled_shape.join(', ')}]`);
      }
      const [N, C, H, W] = X.dims;
      const [PH, PW] = pooled_shape;
      const numRois = rois.dims[0];
      const x = numericValues(OP, 'X', X);
      const r = numericValues(OP, 'rois', rois);
      const out = new Float64Array(numRois * C * PH * PW);
      for (let n = 0; n < numRois; n++) {
        const batch = r[n * 5];
        if (!Number.isInteger(batch) || batch < 0 || batch >= N) {
          throw new Error(`${OP}: rois[${n}] has batch index ${batch}, expected an integer in [0, ${N})`);
        }
        const startW = roundHalfAway(r[n * 5 + 1] * spatial_scale);
        const startH = roundHalfAway(r[n * 5 + 2] * spatial_scale);
        const endW = roundHalfAway(r[n * 5 + 3] * spatial_scale);
        const endH = roundHalfAway(r[n * 5 + 4] * spatial_scale);
        const binH = Math.max(endH - startH + 1, 1) / PH;
        const binW = Math.max(endW - startW + 1, 1) / PW;
        for (let c = 0; c < C; c++) {
          const plane = (batch * C + c) * H * W;
          for (let ph = 0; ph < PH; ph++) {
            const h0 = Math.min(Math.max(Math.floor(ph * binH) + startH, 0), H);
            const h1 = Math.min(Math.max(Math.ceil((ph + 1) * binH) + startH, 0), H);
            for (let pw = 0; pw < PW; pw++) {
              const w0 = Math.min(Math.max(Math.floor(pw * binW) + startW, 0), W);
              const w1 = Math.min(Math.max(Math.ceil((pw + 1) * binW) + startW, 0), W);
              // An empty bin (region outside the map) pools to 0.
              let max = h1 > h0 && w1 > w0 ? -Infinity : 0;
              for (let h = h0; h < h1; h++) {
                for (let w = w0; w < w1; w++) max = Math.max(max, x[plane + h * W + w]);
              }
              out[((n * C + c) * PH + ph) * PW + pw] = max;
            }
          }
        }
      }
      return [fromComputed(X.type, out, [numRois, C, PH, PW])];
    },
  }),
];
