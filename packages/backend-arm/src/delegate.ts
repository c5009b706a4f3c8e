/**
 * Fast paths over existing kernels. Each 'arm' kernel wraps a kernel of the same op and opset range (backend-cpu's
 * for float32 where it has one, else the reference's) with the same attribute schema: the fast path runs when the
 * inputs are ones it handles, and everything else — other types, shapes, and malformed inputs, whose errors the
 * wrapped kernel reports — goes to the wrapped kernel.
 */
import { Tensor, isTensor, normalizeDomain, type KernelContext, type KernelInputs, type KernelSpec, type Value } from '@onnx-ts/core';
import cpuRef from '@onnx-ts/backend-cpu-ref';
import cpu from '@onnx-ts/backend-cpu';
import { originOf } from './lazy.js';

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

const onDevice = (v: unknown): v is Tensor => v instanceof Tensor && v.location !== 'cpu';

/** The inputs with tensors that backend-cpu's kernels left in the WebAssembly memory copied to the CPU. */
async function onHost(inputs: KernelInputs): Promise<KernelInputs> {
  return Promise.all(inputs.map(async (v) => (onDevice(v) ? new Tensor(v.type, await v.getData(), v.dims) : v)));
}

/**
 * Wraps each of `wrapped` (default: the reference kernels of `op`) with `fast`. Fast paths and the reference read
 * CPU data, so inputs resident in backend-cpu's memory are copied out first — except for a node that only
 * backend-cpu's kernel can run (no lazily decoded input), which takes them where they are.
 */
export function withFastPath(op: string, fast: FastPath, wrapped: readonly KernelSpec<any>[] = kernelsOf(cpuRef.kernels, op)): KernelSpec<any>[] {
  if (!wrapped.length) throw new Error(`backend-arm: no kernel of ${op} to fall back to`);
  return wrapped.map((inner) => {
    const run = (inputs: KernelInputs, attrs: any, ctx: KernelContext): Value[] | Promise<Value[]> => {
      const out = fast(inputs, attrs, ctx);
      if (!out) return inner.run(inputs, attrs, ctx);
      fastRuns.set(op, (fastRuns.get(op) ?? 0) + 1);
      return out;
    };
    const innerIsCpu = cpu.kernels.includes(inner);
    return {
      ...inner,
      run: (inputs: KernelInputs, attrs: any, ctx: KernelContext) => {
        if (!inputs.some(onDevice)) return run(inputs, attrs, ctx);
        if (innerIsCpu && !inputs.some((v) => originOf(v))) return inner.run(inputs, attrs, ctx);
        return onHost(inputs).then((host) => run(host, attrs, ctx));
      },
    };
  });
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
