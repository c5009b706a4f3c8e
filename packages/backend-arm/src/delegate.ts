/**
 * Fast paths over existing kernels. Each 'arm' kernel wraps a kernel of the same op and opset range (backend-cpu's
 * for float32 where it has one, else the reference's) with the same attribute schema: the fast path runs when the
 * inputs are ones it handles, and everything else — other types, shapes, and malformed inputs, whose errors the
 * wrapped kernel reports — goes to the wrapped kernel.
 */
import { isTensor, normalizeDomain, type KernelContext, type KernelInputs, type KernelSpec, type Tensor, type Value } from '@onnx-ts/core';
import cpuRef from '@onnx-ts/backend-cpu-ref';

/** Returns the outputs, or undefined to let the wrapped kernel run. */
export type FastPath = (inputs: KernelInputs, attrs: any, ctx: KernelContext) => Value[] | undefined;

/** The kernels `backend` has for an op of the default domain. */
export function kernelsOf(kernels: readonly KernelSpec<any>[], op: string): KernelSpec<any>[] {
  return kernels.filter((k) => k.op === op && normalizeDomain(k.domain) === 'ai.onnx');
}

const fastRuns = new Map<string, number>();

/** How many nodes of each op ran on this backend's own fast path (not on a wrapped kernel), in this thread. */
export function fastPathCounts(): ReadonlyMap<string, number> {
  return fastRuns;
}

/** Wraps each of `wrapped` (default: the reference kernels of `op`) with `fast`. */
export function withFastPath(op: string, fast: FastPath, wrapped: readonly KernelSpec<any>[] = kernelsOf(cpuRef.kernels, op)): KernelSpec<any>[] {
  if (!wrapped.length) throw new Error(`backend-arm: no kernel of ${op} to fall back to`);
  return wrapped.map((inner) => ({
    ...inner,
    run: (inputs: KernelInputs, attrs: any, ctx: KernelContext) => {
      const out = fast(inputs, attrs, ctx);
      if (!out) return inner.run(inputs, attrs, ctx);
      fastRuns.set(op, (fastRuns.get(op) ?? 0) + 1);
      return out;
    },
  }));
}

/** The tensor at `index` when it is present and of one of `types`; undefined otherwise. */
export function tensorOf(inputs: KernelInputs, index: number, types: readonly string[]): Tensor | undefined {
  const v = inputs[index];
  return isTensor(v) && types.includes(v.type) ? v : undefined;
}

/** Whether the optional input at `index` is absent (omitted or an empty optional). */
export function absent(inputs: KernelInputs, index: number): boolean {
  return inputs[index] === undefined || inputs[index] === null;
}

export const BYTE_TYPES = ['int8', 'uint8'] as const;

/** A one-element tensor (scalar or [1]). */
export function isScalar(t: Tensor): boolean {
  return t.size === 1 && t.dims.length <= 1;
}

/** A 1-D tensor of `length` values, or a scalar. */
export function isScalarOrVector(t: Tensor, length: number): boolean {
  return isScalar(t) || (t.dims.length === 1 && t.dims[0] === length);
}

/** Rounds to the nearest integer, halfway cases to the even neighbour. */
export function roundHalfToEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
