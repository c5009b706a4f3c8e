import { FLOAT_DTYPES, attr, defineKernel, sameShape, shapeSize, stridesOf, type Tensor } from '@onnx-ts/core';
import { gemm } from '../../util/gemm.js';
import { optionalTensor, tensorInput } from '../tensor/args.js';
import { checkBias, checkConvWeights, convKernel, fillBias } from './convolution.js';
import { floatBuffer, floatTensor, floatValues, type FloatArray } from './float-data.js';
import { slidingWindow, type Window } from './window.js';

const OP = 'DeformConv';

function checkSampling(name: string, t: Tensor | undefined, expected: number[]): void {
  if (t && !sameShape(t.dims, expected)) {
    throw new Error(`${OP}: ${name} must be [${expected.join(', ')}], got [${t.dims.join(', ')}]`);
  }
}

/**
 * The deformable column matrix of one image: row (c, kernel offset), column p holds channel c sampled at the kernel
 * offset's regular position for output p moved by its learned offset, multi-linearly interpolated (image corners
 * outside the input read zero), times the mask.
 */
function deformableColumns(
  x: FloatArray, xAt: number, channels: number, w: Window, offsetGroups: number,
  offsets: FloatArray, offsetAt: number, mask: FloatArray | undefined, maskAt: number, col: FloatArray,
): void {
  const rank = w.image.length;
  const kernelSize = shapeSize(w.kernel);
  const gridSize = shapeSize(w.grid);
  const imageSize = shapeSize(w.image);
  const gridStrides = stridesOf(w.grid);
  const imageStrides = stridesOf(w.image);
  const groupChannels = channels / offsetGroups;
  const corners = 1 << rank;
  const cornerOffsets = new Int32Array(corners);
  const cornerWeights = new Float64Array(corners);
  const low = new Array<number>(rank);
  const frac = new Array<number>(rank);
  const k = new Array<number>(rank);
  for (let p = 0; p < gridSize; p++) {
    k.fill(0);
    for (let kp = 0; kp < kernelSize; kp++) {
      for (let g = 0; g < offsetGroups; g++) {
        const entry = g * kernelSize + kp;
        for (let d = 0; d < rank; d++) {
          const o = Math.floor(p / gridStrides[d]) % w.grid[d];
          const at = o * w.strides[d] - w.padBegin[d] + k[d] * w.dilations[d] + offsets[offsetAt + (entry * rank + d) * gridSize + p];
          low[d] = Math.floor(at);
          frac[d] = at - low[d];
        }
        const scale = mask ? mask[maskAt + entry * gridSize + p] : 1;
        for (let corner = 0; corner < corners; corner++) {
          let offset = 0;
          let weight = scale;
          for (let d = 0; d < rank; d++) {
            const high = (corner >> (rank - 1 - d)) & 1;
            const i = low[d] + high;
            if (i < 0 || i >= w.image[d]) weight = 0;
            weight *= high ? frac[d] : 1 - frac[d];
            offset += i * imageStrides[d];
          }
          cornerOffsets[corner] = offset;
          cornerWeights[corner] = weight;
        }
        for (let c = g * groupChannels; c < (g + 1) * groupChannels; c++) {
          const plane = xAt + c * imageSize;
          let v = 0;
          for (let corner = 0; corner < corners; corner++) {
            if (cornerWeights[corner] !== 0) v += cornerWeights[corner] * x[plane + cornerOffsets[corner]];
          }
          col[(c * kernelSize + kp) * gridSize + p] = v;
        }
      }
      for (let d = rank - 1; d >= 0; d--) {
        if (++k[d] < w.kernel[d]) break;
        k[d] = 0;
      }
    }
  }
}

/**
 * DeformConv: a grouped convolution whose sampling positions move by learned offsets [N, offset_group·kernel·r,
 * out...] (r spatial axes, ordered group, kernel offset, axis) and are optionally weighted by a mask
 * [N, offset_group·kernel, out...].
 */
export default [
  defineKernel({
    op: OP, since: 19, dtypes: FLOAT_DTYPES,
    attrs: {
      dilations: attr.ints(), group: attr.int(1), kernel_shape: attr.ints(), offset_group: attr.int(1),
      pads: attr.ints(), strides: attr.ints(),
    },
    run: (inputs, a, ctx) => {
      const x = tensorInput(OP, inputs, 0, 'X');
      const w = tensorInput(OP, inputs, 1, 'W');
      const offset = tensorInput(OP, inputs, 2, 'offset');
      const b = optionalTensor(OP, inputs, 3, 'B');
      const mask = optionalTensor(OP, inputs, 4, 'mask');
      const kernel = convKernel(OP, x, w, a.kernel_shape);
      const [batch, inChannels] = x.dims;
      const outChannels = w.dims[0];
      checkConvWeights(OP, w, a.group, inChannels);
      if (!(a.offset_group >= 1) || inChannels % a.offset_group !== 0) {
        throw new Error(`${OP}: offset_group ${a.offset_group} must be positive and divide the ${inChannels} channels`);
      }
      checkBias(OP, b, x.type, outChannels);
      const window = slidingWindow(OP, x.dims.slice(2), kernel, { auto_pad: 'NOTSET', ...a });
      const kernelSize = shapeSize(kernel);
      const rank = kernel.length;
      checkSampling('offset', offset, [batch, a.offset_group * kernelSize * rank, ...window.grid]);
      checkSampling('mask', mask, [batch, a.offset_group * kernelSize, ...window.grid]);
      for (const t of [offset, mask]) {
        if (t && t.type !== x.type) throw new Error(`${OP}: offset and mask must be ${x.type}, got ${t.type}`);
      }

      const gridSize = shapeSize(window.grid);
      const outDims = [batch, outChannels, ...window.grid];
      ctx.checkAllocation(x.type, batch * outChannels * gridSize);
      ctx.checkAllocation(x.type, inChannels * kernelSize * gridSize);
      const out = floatBuffer(x.type, batch * outChannels * gridSize);
      if (b) fillBias(out, floatValues(b), batch, outChannels, gridSize);
      const xs = floatValues(x);
      const ws = floatValues(w);
      const offsets = floatValues(offset);
      const masks = mask && floatValues(mask);
      const col = new Float64Array(inChannels * kernelSize * gridSize);
      const groupIn = inChannels / a.group;
      const groupOut = outChannels / a.group;
      const depth = groupIn * kernelSize;
      for (let n = 0; n < batch; n++) {
        deformableColumns(
          xs, n * inChannels * shapeSize(window.image), inChannels, window, a.offset_group,
          offsets, n * a.offset_group * kernelSize * rank * gridSize, masks, n * a.offset_group * kernelSize * gridSize, col,
        );
        for (let g = 0; g < a.group; g++) {
          gemm({
            transA: false, transB: false, M: groupOut, N: gridSize, K: depth, alpha: 1, beta: 1,
            a: ws, aOffset: g * groupOut * depth, lda: depth,
            b: col, bOffset: g * depth * gridSize, ldb: gridSize,
            c: out, cOffset: (n * outChannels + g * groupOut) * gridSize, ldc: gridSize,
          });
        }
      }
      return [floatTensor(x.type, out, outDims)];
    },
  }),
];
