/** Reading kernel inputs: tensors by position, and the values of shape-like integer inputs on the CPU. */
import { INT_DTYPES, isTensor, type KernelInputs, type Tensor } from '@onnx-ts/core';
import type { GpuContext } from '../context.js';
import { downloadTensor } from '../tensors.js';

/** Input `i` when it is a tensor (undefined when omitted, empty or not a tensor). */
export function tensorAt(inputs: KernelInputs, i: number): Tensor | undefined {
  const v = inputs[i];
  return isTensor(v) ? v : undefined;
}

/** Inputs 0..count-1 when all are tensors. */
export function tensorsAt(inputs: KernelInputs, count: number): Tensor[] | undefined {
  const out: Tensor[] = [];
  for (let i = 0; i < count; i++) {
    const t = tensorAt(inputs, i);
    if (!t) return undefined;
    out.push(t);
  }
  return out;
}

/**
 * The values of an integer or bool tensor as numbers: from the CPU copy an upload keeps, or read back from the GPU. int64
 * values beyond 2^53 lose precision, which only matters to values no shape can reach.
 */
export async function readInts(t: Tensor, gpu: GpuContext): Promise<number[] | undefined> {
  if (!INT_DTYPES.includes(t.type) && t.type !== 'bool') return undefined;
  const cpu = await downloadTensor(t, gpu);
  return Array.from(cpu.data as ArrayLike<number | bigint>, Number);
}

/** Normalizes an axis in [-rank, rank) to [0, rank); undefined when out of range. */
export function axisIn(axis: number, rank: number): number | undefined {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) return undefined;
  return axis < 0 ? axis + rank : axis;
}

/** Normalized distinct axes, or undefined when one is out of range or repeated. */
export function axesIn(axes: readonly number[], rank: number): number[] | undefined {
  const out: number[] = [];
  for (const a of axes) {
    const n = axisIn(a, rank);
    if (n === undefined || out.includes(n)) return undefined;
    out.push(n);
  }
  return out;
}
