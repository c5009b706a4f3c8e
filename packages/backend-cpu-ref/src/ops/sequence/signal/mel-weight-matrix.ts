import { attr, defineKernel } from '@onnx-ts/core';
import { fromNumbers } from '../../../util/elementwise.js';
import { readIntScalar, tensorInput } from '../../tensor/args.js';
import { dtypeAttribute, readFloatScalar } from '../inputs.js';
import { SIGNAL_OUTPUT_DTYPES } from './cosine-window.js';

const hertzToMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const melToHertz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);

/**
 * MelWeightMatrix: [dft_length/2 + 1, num_mel_bins] triangular filters with peak 1. The num_mel_bins + 2 band edges
 * are spaced evenly on the mel scale from lower_edge_hertz in steps of (upper - lower mel) / (num_mel_bins + 2), as the
 * ONNX test data has them, and mapped to spectrogram bins by floor((dft_length + 1) · hz / sample_rate). Filter i rises
 * from edge i to 1 at edge i + 1 and falls to edge i + 2.
 */
export default [
  defineKernel({
    op: 'MelWeightMatrix', since: 17,
    attrs: { output_datatype: attr.int(1) },
    run: (inputs, { output_datatype }, ctx) => {
      const op = 'MelWeightMatrix';
      const type = dtypeAttribute(op, output_datatype, 'output_datatype', SIGNAL_OUTPUT_DTYPES);
      const melBins = readIntScalar(op, tensorInput(op, inputs, 0, 'num_mel_bins'), 'num_mel_bins');
      const dftLength = readIntScalar(op, tensorInput(op, inputs, 1, 'dft_length'), 'dft_length');
      const sampleRate = readIntScalar(op, tensorInput(op, inputs, 2, 'sample_rate'), 'sample_rate');
      const lower = readFloatScalar(op, tensorInput(op, inputs, 3, 'lower_edge_hertz'), 'lower_edge_hertz');
      const upper = readFloatScalar(op, tensorInput(op, inputs, 4, 'upper_edge_hertz'), 'upper_edge_hertz');
      if (melBins < 1 || dftLength < 1 || sampleRate < 1) {
        throw new Error(`${op}: num_mel_bins, dft_length and sample_rate must be positive, got ${melBins}, ${dftLength}, ${sampleRate}`);
      }
      if (!(lower >= 0 && lower <= upper)) {
        throw new Error(`${op}: need 0 <= lower_edge_hertz <= upper_edge_hertz, got ${lower} and ${upper}`);
      }
      const spectrumBins = Math.floor(dftLength / 2) + 1;
      ctx.checkAllocation(type, spectrumBins * melBins);
      const lowMel = hertzToMel(lower);
      const step = (hertzToMel(upper) - lowMel) / (melBins + 2);
      const edges = new Array<number>(melBins + 2);
      for (let i = 0; i < edges.length; i++) {
        edges[i] = Math.floor(((dftLength + 1) * melToHertz(lowMel + i * step)) / sampleRate);
      }
      const out = new Float64Array(spectrumBins * melBins);
      // Edges past the last spectrum bin (an upper edge above the Nyquist frequency) fall outside the matrix.
      const set = (bin: number, band: number, w: number) => {
        if (bin < spectrumBins) out[bin * melBins + band] = w;
      };
      for (let i = 0; i < melBins; i++) {
        const [left, center, right] = [edges[i], edges[i + 1], edges[i + 2]];
        for (let bin = left; bin < center; bin++) set(bin, i, (bin - left) / (center - left));
        set(center, i, 1);
        for (let bin = center + 1; bin < right; bin++) set(bin, i, (right - bin) / (right - center));
      }
      return [fromNumbers(type, out, [spectrumBins, melBins])];
    },
  }),
];
