/** Shape functions of signal-processing ops: DFT, STFT, window functions and the mel filter bank. */
import { attr, dtypeFromCode, normalizeAxis, type Dim, type ShapeFunction } from '@onnx-ts/core';
import { each } from './common.js';

/** Frequency bins kept of an n-point transform: all of them, or up to n/2 for a one-sided real transform. */
const bins = (n: Dim, onesided: boolean): Dim => (typeof n === 'number' && onesided ? Math.floor(n / 2) + 1 : n);

/**
 * DFT: the input's shape with the transformed axis resized and a last axis of 2 (real, imaginary); a one-sided
 * inverse takes bins 0..n/2 and gives a real signal of n = 2·(bins - 1) samples unless dft_length says otherwise.
 */
const dft: ShapeFunction = (c) => {
  const x = c.input(0);
  if (!x.shape || x.shape.length < 2) return [{ type: x.type }];
  const a = c.attrs({ axis: attr.int(1), inverse: attr.int(0), onesided: attr.int(0) });
  const onesided = a.onesided !== 0;
  const realOutput = onesided && a.inverse !== 0;
  const parts = realOutput ? 1 : 2;
  const rawAxis = c.opset >= 20 ? (c.present(2) ? c.ints(2)?.[0] : -2) : a.axis;
  if (rawAxis === undefined) return [{ type: x.type, shape: [...x.shape.slice(0, -1).map(() => null), parts] }];
  const axis = normalizeAxis(rawAxis, x.shape.length);
  const given = x.shape[axis];
  let length: Dim = c.present(1) ? c.ints(1)?.[0] ?? null : given;
  if (realOutput && !c.present(1)) length = typeof given === 'number' ? 2 * (given - 1) : null;
  const shape = x.shape.map((d, i): Dim => (i === axis ? bins(length, onesided && !realOutput) : d));
  shape[shape.length - 1] = parts;
  return [{ type: x.type, shape }];
};

/** STFT: signal [batch, length, 1 or 2] → [batch, frames, bins, 2]. */
const stft: ShapeFunction = (c) => {
  const x = c.input(0);
  const step = c.ints(1)?.[0];
  const frame = c.present(3) ? c.ints(3)?.[0] : c.input(2).shape?.[0];
  const length = x.shape?.[1];
  const frames = typeof length === 'number' && typeof frame === 'number' && step ? Math.floor((length - frame) / step) + 1 : null;
  const { onesided } = c.attrs({ onesided: attr.int(1) });
  return [{ type: x.type, shape: [x.shape?.[0] ?? null, frames, bins(typeof frame === 'number' ? frame : null, onesided !== 0), 2] }];
};

export const signalShapes: Record<string, ShapeFunction> = {
  DFT: dft,
  STFT: stft,
  ...each(['HannWindow', 'HammingWindow', 'BlackmanWindow'], (c) => {
    const { output_datatype: code } = c.attrs({ output_datatype: attr.int(1) });
    return [{ type: dtypeFromCode(code), shape: [c.ints(0)?.[0] ?? null] }];
  }),
  MelWeightMatrix: (c) => {
    const { output_datatype: code } = c.attrs({ output_datatype: attr.int(1) });
    return [{ type: dtypeFromCode(code), shape: [bins(c.ints(1)?.[0] ?? null, true), c.ints(0)?.[0] ?? null] }];
  },
};
