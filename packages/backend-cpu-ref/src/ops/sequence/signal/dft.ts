import { FLOAT_DTYPES, attr, defineKernel, shapeSize, type KernelContext, type KernelInputs, type Tensor } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../../util/elementwise.js';
import { optionalTensor, readIntScalar, tensorInput } from '../../tensor/args.js';
import { planFft, precisionOf } from './fourier.js';

interface DftOptions {
  axis: number;
  inverse: boolean;
  onesided: boolean;
}

function readLength(inputs: KernelInputs): number | undefined {
  const t = optionalTensor('DFT', inputs, 1, 'dft_length');
  if (!t) return undefined;
  const n = readIntScalar('DFT', t, 'dft_length');
  if (n < 1) throw new Error(`DFT: 'dft_length' must be positive, got ${n}`);
  return n;
}

/**
 * The DFT of `x` ([..., signal, 1 | 2], the last axis holding real or real+imaginary parts) along `axis`. A one-sided
 * forward transform keeps bins 0..n/2 of a real signal; a one-sided inverse takes those bins and returns the real
 * signal, the other bins being their complex conjugates (numpy's rfft / irfft).
 */
function dft(x: Tensor, dftLength: number | undefined, { axis, inverse, onesided }: DftOptions, ctx: KernelContext): Tensor {
  const rank = x.dims.length;
  const parts = x.dims[rank - 1];
  if (rank < 2 || (parts !== 1 && parts !== 2)) {
    throw new Error(`DFT: input must be [..., signal, 1 or 2], got [${x.dims.join(', ')}]`);
  }
  if (axis < -rank || axis > rank - 2 || axis === -1) {
    throw new Error(`DFT: axis ${axis} is out of range [${-rank}, -2] or [0, ${rank - 2}] for rank ${rank}`);
  }
  const a = axis < 0 ? axis + rank : axis;
  const length = x.dims[a];
  const realOutput = inverse && onesided;
  if (onesided && !inverse && parts === 2) throw new Error('DFT: a one-sided forward DFT needs a real input (last dim 1)');
  if (realOutput && parts === 1) throw new Error('DFT: a one-sided inverse DFT needs a complex input (last dim 2)');
  const n = dftLength ?? (realOutput ? 2 * (length - 1) : length);
  if (n < 1) throw new Error(`DFT: the transform length is ${n}; give 'dft_length' or a longer signal axis`);
  const bins = onesided && !inverse ? Math.floor(n / 2) + 1 : n;
  const outParts = realOutput ? 1 : 2;
  const outDims = x.dims.map((d, k) => (k === a ? bins : k === rank - 1 ? outParts : d));
  const outSize = shapeSize(outDims);
  ctx.checkAllocation(x.type, outSize);

  const values = toNumbers(x);
  const out = new Float64Array(outSize);
  const outer = shapeSize(x.dims.slice(0, a));
  const inner = shapeSize(x.dims.slice(a + 1, rank - 1));
  const round = precisionOf(x.type, inverse);
  const fft = planFft(n, round);
  const scale = inverse ? round(1 / n) : 1;
  const line = new Float64Array(2 * n);
  // Bins read from the input: a one-sided spectrum holds n/2 + 1 of them.
  const used = Math.min(length, realOutput ? Math.floor(n / 2) + 1 : n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      line.fill(0);
      for (let t = 0; t < used; t++) {
        const at = ((o * length + t) * inner + i) * parts;
        line[2 * t] = values[at];
        if (parts === 2) line[2 * t + 1] = values[at + 1];
      }
      if (realOutput) {
        // The bins above n/2 are the complex conjugates of those below.
        for (let k = 1; k < used; k++) {
          if (n - k === k) continue;
          line[2 * (n - k)] = line[2 * k];
          line[2 * (n - k) + 1] = -line[2 * k + 1];
        }
      }
      fft.transform(line, !inverse, scale);
      for (let k = 0; k < bins; k++) {
        const at = ((o * bins + k) * inner + i) * outParts;
        out[at] = line[2 * k];
        if (outParts === 2) out[at + 1] = line[2 * k + 1];
      }
    }
  }
  return fromNumbers(x.type, out, outDims);
}

export default [
  defineKernel({
    op: 'DFT', since: 17, until: 19, dtypes: FLOAT_DTYPES,
    attrs: { axis: attr.int(1), inverse: attr.int(0), onesided: attr.int(0) },
    run: (inputs, { axis, inverse, onesided }, ctx) => {
      const x = tensorInput('DFT', inputs, 0, 'input');
      return [dft(x, readLength(inputs), { axis, inverse: inverse === 1, onesided: onesided === 1 }, ctx)];
    },
  }),
  // From opset 20 the axis is an input (default -2, the last signal axis).
  defineKernel({
    op: 'DFT', since: 20, dtypes: FLOAT_DTYPES,
    attrs: { inverse: attr.int(0), onesided: attr.int(0) },
    run: (inputs, { inverse, onesided }, ctx) => {
      const x = tensorInput('DFT', inputs, 0, 'input');
      const axisInput = optionalTensor('DFT', inputs, 2, 'axis');
      const axis = axisInput ? readIntScalar('DFT', axisInput, 'axis') : -2;
      return [dft(x, readLength(inputs), { axis, inverse: inverse === 1, onesided: onesided === 1 }, ctx)];
    },
  }),
];
