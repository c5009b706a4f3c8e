import { FLOAT_DTYPES, attr, defineKernel } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../../util/elementwise.js';
import { optionalTensor, readIntScalar, tensorInput } from '../../tensor/args.js';
import { doublePrecision, planFft } from './fourier.js';

/**
 * STFT: the DFT of each frame of `frame_length` samples, taken every `frame_step` samples and multiplied by `window`
 * when given. Output [batch, frames, bins, 2]; one-sided (the default) keeps bins 0..n/2 of a real signal.
 */
export default [
  defineKernel({
    op: 'STFT', since: 17, dtypes: FLOAT_DTYPES,
    attrs: { onesided: attr.int(1) },
    run: (inputs, { onesided }, ctx) => {
      const signal = tensorInput('STFT', inputs, 0, 'signal');
      const step = readIntScalar('STFT', tensorInput('STFT', inputs, 1, 'frame_step'), 'frame_step');
      const window = optionalTensor('STFT', inputs, 2, 'window');
      const lengthInput = optionalTensor('STFT', inputs, 3, 'frame_length');
      const [batch, length, parts] = signal.dims;
      if (signal.dims.length !== 3 || (parts !== 1 && parts !== 2)) {
        throw new Error(`STFT: signal must be [batch, length, 1 or 2], got [${signal.dims.join(', ')}]`);
      }
      if (onesided === 1 && parts === 2) throw new Error('STFT: a one-sided STFT needs a real signal (last dim 1)');
      if (window && window.dims.length !== 1) throw new Error(`STFT: window must be 1-D, got [${window.dims.join(', ')}]`);
      const n = lengthInput ? readIntScalar('STFT', lengthInput, 'frame_length') : window?.size;
      if (n === undefined) throw new Error(`STFT: give 'window' or 'frame_length' to set the frame length`);
      if (window && window.size !== n) throw new Error(`STFT: window has ${window.size} samples but frame_length is ${n}`);
      if (step < 1) throw new Error(`STFT: 'frame_step' must be positive, got ${step}`);
      if (n < 1 || n > length) throw new Error(`STFT: frame length ${n} must be in [1, ${length}] (the signal length)`);
      const frames = Math.floor((length - n) / step) + 1;
      const bins = onesided === 1 ? Math.floor(n / 2) + 1 : n;
      const outDims = [batch, frames, bins, 2];
      ctx.checkAllocation(signal.type, batch * frames * bins * 2);

      const values = toNumbers(signal);
      const weights = window ? toNumbers(window) : undefined;
      const out = new Float64Array(batch * frames * bins * 2);
      // Forward transforms run in double, as numpy's do.
      const fft = planFft(n, doublePrecision);
      const frame = new Float64Array(2 * n);
      for (let b = 0; b < batch; b++) {
        for (let f = 0; f < frames; f++) {
          for (let t = 0; t < n; t++) {
            const at = (b * length + f * step + t) * parts;
            const w = weights ? weights[t] : 1;
            frame[2 * t] = values[at] * w;
            frame[2 * t + 1] = parts === 2 ? values[at + 1] * w : 0;
          }
          fft.transform(frame, true, 1);
          out.set(frame.subarray(0, 2 * bins), (b * frames + f) * bins * 2);
        }
      }
      return [fromNumbers(signal.type, out, outDims)];
    },
  }),
];
