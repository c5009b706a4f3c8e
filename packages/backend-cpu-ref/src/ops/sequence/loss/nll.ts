/** The negative log likelihood both loss ops end with, on log-probabilities of shape [N, C, d1, ..., dk]. */
import { shapeSize, type Tensor } from '@onnx-ts/core';
import { toNumbers } from '../../../util/elementwise.js';
import { readInts } from '../../tensor/args.js';

export type Reduction = 'none' | 'sum' | 'mean';

export function readReduction(op: string, reduction: string): Reduction {
  if (reduction !== 'none' && reduction !== 'sum' && reduction !== 'mean') {
    throw new Error(`${op}: reduction must be none, sum or mean, got '${reduction}'`);
  }
  return reduction;
}

export interface LossInputs {
  /** Log-probabilities, [N, C, d1, ..., dk]. */
  logProb: Float64Array;
  dims: readonly number[];
  /** Class labels, [N, d1, ..., dk]. */
  target: Tensor;
  /** Per-class weights, [C]. */
  weight?: Tensor;
  reduction: Reduction;
  ignoreIndex?: number;
}

/**
 * loss[n, d] = -logProb[n, target[n, d], d] · weight[target[n, d]], and 0 where the target is ignore_index. 'sum' adds
 * the losses; 'mean' divides that by the summed weights of the targets not ignored.
 */
export function negativeLogLikelihood(op: string, a: LossInputs): { values: Float64Array; dims: number[] } {
  if (a.dims.length < 2) throw new Error(`${op}: input must be [N, C, ...], got [${a.dims.join(', ')}]`);
  const [n, classes] = a.dims;
  const spatial = a.dims.slice(2);
  const targetDims = [n, ...spatial];
  if (a.target.type !== 'int32' && a.target.type !== 'int64') throw new Error(`${op}: target must be int32 or int64, got ${a.target.type}`);
  if (a.target.dims.length !== targetDims.length || a.target.dims.some((d, k) => d !== targetDims[k])) {
    throw new Error(`${op}: target has shape [${a.target.dims.join(', ')}] but the input needs [${targetDims.join(', ')}]`);
  }
  if (a.weight && (a.weight.dims.length !== 1 || a.weight.size !== classes)) {
    throw new Error(`${op}: weight must be [${classes}], got [${a.weight.dims.join(', ')}]`);
  }
  const labels = readInts(op, a.target, 'target');
  const weights = a.weight ? toNumbers(a.weight) : undefined;
  const inner = shapeSize(spatial);
  const losses = new Float64Array(labels.length);
  let total = 0;
  let weightTotal = 0;
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c === a.ignoreIndex) continue;
    if (!(c >= 0 && c < classes)) throw new Error(`${op}: target ${c} at element ${i} is outside [0, ${classes})`);
    const w = weights ? weights[c] : 1;
    const sample = Math.floor(i / inner);
    losses[i] = -a.logProb[(sample * classes + c) * inner + (i % inner)] * w;
    total += losses[i];
    weightTotal += w;
  }
  if (a.reduction === 'none') return { values: losses, dims: targetDims };
  return { values: new Float64Array([a.reduction === 'sum' ? total : total / weightTotal]), dims: [] };
}
