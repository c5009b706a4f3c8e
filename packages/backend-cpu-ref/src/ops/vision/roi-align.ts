/**
 * RoiAlign: pools each region of interest into a fixed (output_height, output_width) grid by bilinear sampling.
 * Opset 10 maps coordinates without the half-pixel shift (what opset 16 calls 'output_half_pixel'); 16+ defaults to
 * 'half_pixel'.
 */
import { FLOAT_DTYPES, attr, defineKernel, type Tensor } from '@onnx-ts/core';
import { choice, expectRank, expectType, tensorInput } from './inputs.js';
import { fromComputed, integerValues, numericValues } from './numeric.js';

const OP = 'RoiAlign';

interface RoiAlignArgs {
  mode: 'avg' | 'max';
  outputHeight: number;
  outputWidth: number;
  samplingRatio: number;
  spatialScale: number;
  halfPixel: boolean;
}

/**
 * Writes the bilinear corners of the sample point (y, x) at slot k: four offsets into the feature map and their
 * weights. A point off the map gets zero weights.
 */
function bilinearSample(y: number, x: number, height: number, width: number, offsets: Int32Array, weights: Float64Array, k: number): void {
  const at = k * 4;
  if (y < -1 || y > height || x < -1 || x > width) {
    offsets.fill(0, at, at + 4);
    weights.fill(0, at, at + 4);
    return;
  }
  y = Math.max(y, 0);
  x = Math.max(x, 0);
  let yLow = Math.floor(y);
  let xLow = Math.floor(x);
  let yHigh = yLow + 1;
  let xHigh = xLow + 1;
  if (yLow >= height - 1) { yLow = yHigh = height - 1; y = yLow; }
  if (xLow >= width - 1) { xLow = xHigh = width - 1; x = xLow; }
  const ly = y - yLow;
  const lx = x - xLow;
  offsets[at] = yLow * width + xLow;
  offsets[at + 1] = yLow * width + xHigh;
  offsets[at + 2] = yHigh * width + xLow;
  offsets[at + 3] = yHigh * width + xHigh;
  weights[at] = (1 - ly) * (1 - lx);
  weights[at + 1] = (1 - ly) * lx;
  weights[at + 2] = ly * (1 - lx);
  weights[at + 3] = ly * lx;
}

function roiAlign(X: Tensor, rois: Tensor, batchIndices: Tensor, a: RoiAlignArgs): Tensor {
  expectRank(OP, X, 'X', 4);
  expectRank(OP, rois, 'rois', 2);
  expectType(OP, batchIndices, 'batch_indices', ['int64', 'int32']);
  const [N, C, height, width] = X.dims;
  const numRois = rois.dims[0];
  if (rois.dims[1] !== 4) throw new Error(`${OP}: rois must have shape [num_rois, 4], got [${rois.dims.join(', ')}]`);
  if (batchIndices.dims.length !== 1 || batchIndices.dims[0] !== numRois) {
    throw new Error(`${OP}: batch_indices must have shape [${numRois}], got [${batchIndices.dims.join(', ')}]`);
  }
  const { outputHeight: oh, outputWidth: ow } = a;
  if (oh < 1 || ow < 1) throw new Error(`${OP}: output_height and output_width must be >= 1, got ${oh} and ${ow}`);
  const batch = integerValues(OP, 'batch_indices', batchIndices);
  const x = numericValues(OP, 'X', X);
  const boxes = numericValues(OP, 'rois', rois);
  const out = new Float64Array(numRois * C * oh * ow);
  const offset = a.halfPixel ? 0.5 : 0;
  for (let r = 0; r < numRois; r++) {
    const b = batch[r];
    if (b < 0 || b >= N) throw new Error(`${OP}: batch_indices[${r}] = ${b} is out of range for batch size ${N}`);
    const startW = boxes[r * 4] * a.spatialScale - offset;
    const startH = boxes[r * 4 + 1] * a.spatialScale - offset;
    let roiW = boxes[r * 4 + 2] * a.spatialScale - offset - startW;
    let roiH = boxes[r * 4 + 3] * a.spatialScale - offset - startH;
    if (!a.halfPixel) {
      // Without the half-pixel shift, malformed regions are forced to at least 1x1.
      roiW = Math.max(roiW, 1);
      roiH = Math.max(roiH, 1);
    }
    const binH = roiH / oh;
    const binW = roiW / ow;
    const gridH = a.samplingRatio > 0 ? a.samplingRatio : Math.ceil(roiH / oh);
    const gridW = a.samplingRatio > 0 ? a.samplingRatio : Math.ceil(roiW / ow);
    const perBin = gridH * gridW;
    const offsets = new Int32Array(oh * ow * perBin * 4);
    const weights = new Float64Array(oh * ow * perBin * 4);
    for (let ph = 0; ph < oh; ph++) {
      for (let pw = 0; pw < ow; pw++) {
        for (let iy = 0; iy < gridH; iy++) {
          const sy = startH + ph * binH + ((iy + 0.5) * binH) / gridH;
          for (let ix = 0; ix < gridW; ix++) {
            const sx = startW + pw * binW + ((ix + 0.5) * binW) / gridW;
            bilinearSample(sy, sx, height, width, offsets, weights, ((ph * ow + pw) * gridH + iy) * gridW + ix);
          }
        }
      }
    }
    for (let c = 0; c < C; c++) {
      const base = (b * C + c) * height * width;
      for (let bin = 0; bin < oh * ow; bin++) {
        let acc = 0;
        for (let k = bin * perBin * 4, end = k + perBin * 4; k < end; k += 4) {
          if (a.mode === 'avg') {
            for (let j = k; j < k + 4; j++) acc += weights[j] * x[base + offsets[j]];
          } else {
            // Max mode takes the largest weighted corner term of each sample point, as the operator's reference
            // implementation and test data define it, rather than the largest interpolated value.
            let v = -Infinity;
            for (let j = k; j < k + 4; j++) v = Math.max(v, weights[j] * x[base + offsets[j]]);
            acc = k === bin * perBin * 4 ? v : Math.max(acc, v);
          }
        }
        out[(r * C + c) * oh * ow + bin] = a.mode === 'avg' ? acc / Math.max(perBin, 1) : acc;
      }
    }
  }
  return fromComputed(X.type, out, [numRois, C, oh, ow]);
}

const COMMON_ATTRS = {
  mode: attr.string('avg'),
  output_height: attr.int(1),
  output_width: attr.int(1),
  sampling_ratio: attr.int(0),
  spatial_scale: attr.float(1),
};

function args(a: { mode: string; output_height: number; output_width: number; sampling_ratio: number; spatial_scale: number }, halfPixel: boolean): RoiAlignArgs {
  return {
    mode: choice(OP, a.mode, ['avg', 'max'] as const, 'mode'),
    outputHeight: a.output_height,
    outputWidth: a.output_width,
    samplingRatio: a.sampling_ratio,
    spatialScale: a.spatial_scale,
    halfPixel,
  };
}

export default [
  defineKernel({
    op: OP, since: 10, until: 15,
    dtypes: FLOAT_DTYPES,
    attrs: COMMON_ATTRS,
    run: ([x, rois, batch], a) => [
      roiAlign(tensorInput(OP, x, 'X'), tensorInput(OP, rois, 'rois'), tensorInput(OP, batch, 'batch_indices'), args(a, false)),
    ],
  }),
  defineKernel({
    op: OP, since: 16,
    dtypes: FLOAT_DTYPES,
    attrs: { ...COMMON_ATTRS, coordinate_transformation_mode: attr.string('half_pixel') },
    run: ([x, rois, batch], a) => {
      const mode = choice(OP, a.coordinate_transformation_mode, ['half_pixel', 'output_half_pixel'] as const, 'coordinate_transformation_mode');
      return [roiAlign(tensorInput(OP, x, 'X'), tensorInput(OP, rois, 'rois'), tensorInput(OP, batch, 'batch_indices'), args(a, mode === 'half_pixel'))];
    },
  }),
];
