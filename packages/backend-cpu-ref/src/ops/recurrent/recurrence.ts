/**
 * What RNN, GRU and LSTM share: reading and checking X, W, R, B, sequence_lens and the initial states, both
 * layouts, the three directions, and writing Y / Y_h / Y_c. Each op supplies only its cell: one time step that
 * updates the hidden (and cell) state of one batch entry in place.
 */
import { attr, type DType, type KernelContext, type KernelInputs, type Tensor } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../util/elementwise.js';
import { gemm } from '../../util/gemm.js';
import { resolveActivations, type Activation } from './activations.js';
import { expectDims, expectRank, expectType, optionalTensor, sameTypeTensors } from './checks.js';

/** float16, float and double since opset 1; bfloat16 since 22. */
export const RECURRENT_DTYPES: readonly DType[] = ['float32', 'float64', 'float16', 'bfloat16'];

export const recurrentAttrs = {
  activation_alpha: attr.floats(),
  activation_beta: attr.floats(),
  activations: attr.strings(),
  clip: attr.float(),
  direction: attr.string('forward'),
  hidden_size: attr.int(),
  layout: attr.int(0),
};

type RecurrentAttrs = {
  activation_alpha: number[] | undefined;
  activation_beta: number[] | undefined;
  activations: string[] | undefined;
  clip: number | undefined;
  direction: string;
  hidden_size: number | undefined;
  layout: number;
};

/** What a cell of one direction works with. */
export interface DirectionContext {
  hidden: number;
  /** R of this direction, [gates*hidden, hidden] row-major. */
  r: Float64Array;
  /** The recurrence bias Rb of this direction, [gates*hidden]. */
  rBias: Float64Array;
  activations: Activation[];
  /** Bounds an activation's input to [-clip, clip] when the clip attribute is set. */
  clip: (x: number) => number;
  /** This direction's row of an optional [num_directions, size] input (zeros when absent), e.g. LSTM's P. */
  directionInput(name: string, index: number, size: number): Float64Array;
}

/**
 * One time step: `xw` (at `xwOffset`, gates*hidden values) holds X_t·Wᵀ + Wb for this batch entry; the step
 * updates `h` (and `c` for LSTM) in place.
 */
export type CellStep = (xw: Float64Array, xwOffset: number, h: Float64Array, c: Float64Array) => void;

export interface RecurrentOp {
  op: 'RNN' | 'GRU' | 'LSTM';
  gates: number;
  defaultActivations: readonly string[];
  /** LSTM: initial_c is input 6 and Y_c output 2. */
  cellState: boolean;
  makeCell(dir: DirectionContext): CellStep;
}

/** An optional float input of the recurrence as numbers, checked against its expected dims; zeros when absent. */
function optionalParam(op: string, name: string, value: KernelInputs[number], type: DType, dims: number[]): Float64Array {
  const t = optionalTensor(op, name, value);
  if (!t) return new Float64Array(dims.reduce((a, b) => a * b, 1));
  expectType(op, name, t, type, 'X');
  expectDims(op, name, t, dims);
  return toNumbers(t);
}

/** h·Rᵀ for the gate rows [firstRow, firstRow+rows) of R: out[j] = Σ_k h[k]·R[firstRow+j][k]. */
export function recurrentProduct(dir: DirectionContext, h: Float64Array, firstRow: number, rows: number, out: Float64Array): void {
  const H = dir.hidden;
  gemm({
    transA: false, transB: true, M: 1, N: rows, K: H, alpha: 1,
    a: h, aOffset: 0, lda: H, b: dir.r, bOffset: firstRow * H, ldb: H,
    beta: 0, c: out, cOffset: 0, ldc: rows,
  });
}

export function runRecurrence(spec: RecurrentOp, inputs: KernelInputs, attrs: RecurrentAttrs, ctx: KernelContext): Tensor[] {
  const { op, gates } = spec;
  const [x, w, r] = sameTypeTensors(op, inputs, ['X', 'W', 'R']);
  const type = x.type;
  if (attrs.layout !== 0 && attrs.layout !== 1) throw new Error(`${op}: attribute 'layout' should be 0 or 1, got ${attrs.layout}`);
  const batchMajor = attrs.layout === 1;
  expectRank(op, 'X', x, 3);
  const [seqLength, batch] = batchMajor ? [x.dims[1], x.dims[0]] : [x.dims[0], x.dims[1]];
  const inputSize = x.dims[2];

  const numDirections = directionCount(op, attrs.direction);
  expectRank(op, 'R', r, 3);
  const hidden = attrs.hidden_size ?? r.dims[2];
  if (!Number.isInteger(hidden) || hidden <= 0) throw new Error(`${op}: hidden_size should be positive, got ${hidden}`);
  expectDims(op, 'W', w, [numDirections, gates * hidden, inputSize]);
  expectDims(op, 'R', r, [numDirections, gates * hidden, hidden]);
  const bias = optionalParam(op, 'B', inputs[3], type, [numDirections, 2 * gates * hidden]);
  const seqLens = sequenceLengths(op, inputs[4], batch, seqLength);
  const stateDims = batchMajor ? [batch, numDirections, hidden] : [numDirections, batch, hidden];
  const initialH = optionalParam(op, 'initial_h', inputs[5], type, stateDims);
  const initialC = spec.cellState ? optionalParam(op, 'initial_c', inputs[6], type, stateDims) : undefined;

  const yDims = batchMajor ? [batch, seqLength, numDirections, hidden] : [seqLength, numDirections, batch, hidden];
  ctx.checkAllocation(type, seqLength * numDirections * batch * hidden);
  ctx.checkAllocation('float64', seqLength * batch * gates * hidden);
  const y = new Float64Array(seqLength * numDirections * batch * hidden);
  const yH = new Float64Array(numDirections * batch * hidden);
  const yC = new Float64Array(numDirections * batch * hidden);
  // Offsets of Y[t, dir, b, 0] and of the state [dir, b, 0] in the chosen layout.
  const yAt = batchMajor
    ? (t: number, d: number, b: number) => ((b * seqLength + t) * numDirections + d) * hidden
    : (t: number, d: number, b: number) => ((t * numDirections + d) * batch + b) * hidden;
  const stateAt = batchMajor
    ? (d: number, b: number) => (b * numDirections + d) * hidden
    : (d: number, b: number) => (d * batch + b) * hidden;

  const xs = sequenceMajor(toNumbers(x), batchMajor, seqLength, batch, inputSize);
  const wAll = toNumbers(w);
  const rAll = toNumbers(r);
  const activations = resolveActivations(
    op, attrs.activations, attrs.activation_alpha, attrs.activation_beta, spec.defaultActivations, numDirections,
  );
  const clipAt = attrs.clip;
  const clip = clipAt === undefined ? (v: number) => v : (v: number) => (v < -clipAt ? -clipAt : v > clipAt ? clipAt : v);
  const reverseOnly = attrs.direction === 'reverse';
  const rows = gates * hidden;
  const xw = new Float64Array(seqLength * batch * rows);
  const h = new Float64Array(hidden);
  const c = new Float64Array(hidden);

  for (let d = 0; d < numDirections; d++) {
    const reverse = reverseOnly || d === 1;
    // X·Wᵀ for every time step and batch entry at once, plus Wb.
    gemm({
      transA: false, transB: true, M: seqLength * batch, N: rows, K: inputSize, alpha: 1,
      a: xs, aOffset: 0, lda: inputSize, b: wAll, bOffset: d * rows * inputSize, ldb: inputSize,
      beta: 0, c: xw, cOffset: 0, ldc: rows,
    });
    const biasOffset = d * 2 * rows;
    for (let i = 0; i < seqLength * batch; i++) {
      for (let j = 0; j < rows; j++) xw[i * rows + j] += bias[biasOffset + j];
    }
    const step = spec.makeCell({
      hidden,
      r: rAll.subarray(d * rows * hidden, (d + 1) * rows * hidden),
      rBias: bias.subarray(biasOffset + rows, biasOffset + 2 * rows),
      activations: activations[d],
      clip,
      directionInput: (name, index, size) =>
        optionalParam(op, name, inputs[index], type, [numDirections, size]).subarray(d * size, (d + 1) * size),
    });
    for (let b = 0; b < batch; b++) {
      const stateOffset = stateAt(d, b);
      h.set(initialH.subarray(stateOffset, stateOffset + hidden));
      if (initialC) c.set(initialC.subarray(stateOffset, stateOffset + hidden));
      const length = seqLens[b];
      for (let s = 0; s < length; s++) {
        const t = reverse ? length - 1 - s : s;
        step(xw, (t * batch + b) * rows, h, c);
        y.set(h, yAt(t, d, b));
      }
      yH.set(h, stateOffset);
      yC.set(c, stateOffset);
    }
  }
  const outputs = [fromNumbers(type, y, yDims), fromNumbers(type, yH, stateDims)];
  if (spec.cellState) outputs.push(fromNumbers(type, yC, stateDims));
  return outputs;
}

function directionCount(op: string, direction: string): number {
  if (direction === 'forward' || direction === 'reverse') return 1;
  if (direction === 'bidirectional') return 2;
  throw new Error(`${op}: attribute 'direction' should be forward, reverse or bidirectional, got '${direction}'`);
}

function sequenceLengths(op: string, value: KernelInputs[number], batch: number, seqLength: number): Int32Array {
  const lens = new Int32Array(batch).fill(seqLength);
  const t = optionalTensor(op, 'sequence_lens', value);
  if (!t) return lens;
  if (t.type !== 'int32') throw new Error(`${op}: input 'sequence_lens' should be int32, got ${t.type}`);
  expectDims(op, 'sequence_lens', t, [batch]);
  const data = t.data as Int32Array;
  for (let b = 0; b < batch; b++) {
    if (data[b] < 0 || data[b] > seqLength) {
      throw new Error(`${op}: sequence_lens[${b}] = ${data[b]} is outside [0, ${seqLength}]`);
    }
    lens[b] = data[b];
  }
  return lens;
}

/** X as [seq, batch, input]: copied when it comes batch-major (layout 1). */
function sequenceMajor(data: Float64Array, batchMajor: boolean, seqLength: number, batch: number, size: number): Float64Array {
  if (!batchMajor) return data;
  const out = new Float64Array(data.length);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < seqLength; t++) {
      const from = (b * seqLength + t) * size;
      out.set(data.subarray(from, from + size), (t * batch + b) * size);
    }
  }
  return out;
}
