/** The write step shared by Scatter, ScatterElements and ScatterND: plain assignment or a reduction. */
import { Tensor, slotsPerElement } from '@onnx-ts/core';
import { fromNumbers, numericKind, toNumbers, type ElementFns } from '../../util/elementwise.js';
import { copyElements, storageOf, type Storage } from './layout.js';

const REDUCTIONS: Record<string, ElementFns> = {
  add: { float: (a, b) => a + b, int: (a, b) => a + b, bigint: (a, b) => a + b },
  // Math.imul keeps the low 32 bits exactly, where a float product of two int32 would round.
  mul: { float: (a, b) => a * b, int: (a, b) => Math.imul(a, b), bigint: (a, b) => a * b },
  max: { float: (a, b) => Math.max(a, b), int: (a, b) => Math.max(a, b), bigint: (a, b) => (a > b ? a : b) },
  min: { float: (a, b) => Math.min(a, b), int: (a, b) => Math.min(a, b), bigint: (a, b) => (a < b ? a : b) },
};

/** bool is stored as 0/1: add is "or" and mul is "and", as numpy's bool arithmetic gives. */
const BOOL_REDUCTIONS: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a | b, mul: (a, b) => a & b, max: Math.max, min: Math.min,
};

export interface Scatter {
  /** Writes element `source` of the updates into element `target` of the result. */
  write(target: number, source: number): void;
  result(): Tensor;
}

/** Starts a scatter into a copy of `data`; the typed storage is chosen once, so the per-element write is a call. */
export function startScatter(op: string, data: Tensor, updates: Tensor, reduction: string): Scatter {
  if (updates.type !== data.type) throw new Error(`${op}: 'updates' is ${updates.type}, 'data' is ${data.type}`);
  if (reduction === 'none') {
    const out = (data.data as unknown as { slice(): Storage }).slice();
    const from = storageOf(updates);
    const slots = slotsPerElement(data.type);
    return {
      write: (target, source) => copyElements(out, target, from, source, 1, slots),
      result: () => new Tensor(data.type, out as never, data.dims),
    };
  }
  const fns = REDUCTIONS[reduction];
  if (!fns) throw new Error(`${op}: reduction '${reduction}' is not none, add, mul, max or min`);
  const kind = numericKind(data.type);
  if (kind === 'float') {
    // Low-precision floats are decoded once, reduced as numbers, and encoded back at the end.
    const out = toNumbers(data);
    const from = toNumbers(updates);
    const fn = fns.float as (a: number, b: number) => number;
    return {
      write: (target, source) => { out[target] = fn(out[target], from[source]); },
      result: () => fromNumbers(data.type, out, data.dims),
    };
  }
  const out = (data.data as unknown as { slice(): { [i: number]: number | bigint } }).slice();
  const from = updates.data as unknown as { [i: number]: number | bigint };
  const fn = (data.type === 'bool' ? BOOL_REDUCTIONS[reduction] : fns[kind]) as (a: number | bigint, b: number | bigint) => number | bigint;
  return {
    write: (target, source) => { out[target] = fn(out[target], from[source]); },
    result: () => new Tensor(data.type, out as never, data.dims),
  };
}
