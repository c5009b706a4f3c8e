import { FLOAT_DTYPES, attr, defineKernel, shapeSize, type Tensor } from '@onnx-ts/core';
import { gemm } from '../../util/gemm.js';
import { optionalTensor, tensorInput } from '../tensor/args.js';
import { COLUMN_BUDGET, checkBias, checkGroups, convAttrs, convKernel, fillBias } from './convolution.js';
import { floatBuffer, floatTensor, floatValues, type FloatArray } from './float-data.js';
import { col2im, dilatedExtent, perAxis, readPads, type Window } from './window.js';

interface TransposeAttrs {
  auto_pad: string;
  pads?: number[];
  strides?: number[];
  dilations?: number[];
  output_padding?: number[];
  output_shape?: number[];
}

/**
 * The window of a transposed convolution, seen as the convolution it transposes: the output is the image and the
 * input the grid of kernel placements. Pads come from `pads`, or from `output_shape` (total padding split with the
 * larger half at the begin unless SAME_UPPER), or from auto_pad SAME_* (output = input × stride).
 */
function transposeWindow(op: string, input: readonly number[], kernel: readonly number[], a: TransposeAttrs): Window {
  const rank = input.length;
  const strides = perAxis(op, 'strides', a.strides, rank, 1, 1);
  const dilations = perAxis(op, 'dilations', a.dilations, rank, 1, 1);
  const outputPadding = perAxis(op, 'output_padding', a.output_padding, rank, 0, 0);
  const natural = input.map((n, d) => strides[d] * (n - 1) + outputPadding[d] + dilatedExtent(kernel[d], dilations[d]));
  if (!['NOTSET', '', 'SAME_UPPER', 'SAME_LOWER', 'VALID'].includes(a.auto_pad)) {
    throw new Error(`${op}: auto_pad must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got '${a.auto_pad}'`);
  }
  const sameUpper = a.auto_pad === 'SAME_UPPER';
  let padBegin: number[];
  let padEnd: number[];
  if (a.output_shape !== undefined || sameUpper || a.auto_pad === 'SAME_LOWER') {
    const target = a.output_shape === undefined
      ? input.map((n, d) => n * strides[d])
      : perAxis(op, 'output_shape', a.output_shape, rank, 0, 0);
    // An output_shape beyond the natural size gives negative padding: the extra positions only receive the bias.
    const total = natural.map((n, d) => (a.output_shape === undefined ? Math.max(0, n - target[d]) : n - target[d]));
    padBegin = total.map((t) => (sameUpper ? Math.floor(t / 2) : t - Math.floor(t / 2)));
    padEnd = total.map((t, d) => t - padBegin[d]);
  } else if (a.auto_pad === 'VALID') {
    padBegin = new Array<number>(rank).fill(0);
    padEnd = new Array<number>(rank).fill(0);
  } else {
    [padBegin, padEnd] = readPads(op, a.pads, rank);
  }
  const image = natural.map((n, d) => n - padBegin[d] - padEnd[d]);
  if (image.some((n) => n < 0)) {
    throw new Error(`${op}: pads [${[...padBegin, ...padEnd].join(', ')}] exceed the output size [${natural.join(', ')}]`);
  }
  return { image, grid: [...input], kernel: [...kernel], strides, dilations, padBegin, padEnd };
}

function convTranspose(
  x: Tensor, w: Tensor, b: Tensor | undefined, a: TransposeAttrs & { group: number; kernel_shape?: number[] },
  checkAllocation: (size: number) => void,
): Tensor {
  const op = 'ConvTranspose';
  const kernel = convKernel(op, x, w, a.kernel_shape);
  const [batch, inChannels] = x.dims;
  const groupOut = w.dims[1];
  const outChannels = groupOut * a.group;
  checkGroups(op, a.group, inChannels, outChannels);
  if (w.dims[0] !== inChannels) throw new Error(`${op}: W [${w.dims.join(', ')}] must have ${inChannels} rows (the channels of X)`);
  checkBias(op, b, x.type, outChannels);
  const window = transposeWindow(op, x.dims.slice(2), kernel, a);
  const outDims = [batch, outChannels, ...window.image];
  const outSize = shapeSize(window.image);
  checkAllocation(batch * outChannels * outSize);
  const out = floatBuffer(x.type, batch * outChannels * outSize);
  if (b) fillBias(out, floatValues(b), batch, outChannels, outSize);

  const xs = floatValues(x);
  const ws = floatValues(w);
  const groupIn = inChannels / a.group;
  const inSize = shapeSize(window.grid);
  const rows = groupOut * shapeSize(kernel);
  const tile = Math.min(inSize, Math.max(1, Math.floor(COLUMN_BUDGET / Math.max(rows, 1))));
  const col: FloatArray = xs instanceof Float32Array ? new Float32Array(rows * tile) : new Float64Array(rows * tile);
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < a.group; g++) {
      const xAt = (n * inChannels + g * groupIn) * inSize;
      for (let from = 0; from < inSize; from += tile) {
        const to = Math.min(inSize, from + tile);
        // Columns of W_gᵀ·X_g: for each input position, its contribution to every (output channel, kernel offset).
        gemm({
          transA: true, transB: false, M: rows, N: to - from, K: groupIn, alpha: 1, beta: 0,
          a: ws, aOffset: g * groupIn * rows, lda: rows,
          b: xs, bOffset: xAt + from, ldb: inSize,
          c: col, cOffset: 0, ldc: to - from,
        });
        col2im(col, groupOut, window, from, to, out, (n * outChannels + g * groupOut) * outSize);
      }
    }
  }
  return floatTensor(x.type, out, outDims);
}

/**
 * ConvTranspose: the gradient of Conv with respect to its input, for X [N, C, D...] and W [C, M/group, k...]; the
 * output has M channels and the spatial size set by strides, pads, output_padding or output_shape.
 */
export default [
  defineKernel({
    op: 'ConvTranspose', since: 1, dtypes: FLOAT_DTYPES,
    attrs: { ...convAttrs, output_padding: attr.ints(), output_shape: attr.ints() },
    run: (inputs, a, ctx) => {
      const x = tensorInput('ConvTranspose', inputs, 0, 'X');
      const w = tensorInput('ConvTranspose', inputs, 1, 'W');
      const b = optionalTensor('ConvTranspose', inputs, 2, 'B');
      return [convTranspose(x, w, b, a, (size) => ctx.checkAllocation(x.type, size))];
    },
  }),
];
