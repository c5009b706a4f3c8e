/**
 * This backend's kernels wrap the reference backend's: the same op, opset range and attribute schema, accepting only
 * float32, with a fast path that returns undefined for what it does not cover (then the reference kernel runs, which
 * also reports bad input with its clear errors).
 */
import { DEFAULT_DOMAIN, Tensor, type KernelContext, type KernelInputs, type KernelSpec, type Value } from '@onnx-ts/core';
import { kernels as referenceKernels } from '@onnx-ts/backend-cpu-ref';

export type FastPath = (inputs: KernelInputs, attrs: any, ctx: KernelContext) => Value[] | undefined;

const fastRuns = new Map<string, number>();

/** How many nodes of each op this backend has run on its fast path (not handed to the reference) in this thread. */
export function acceleratedCounts(): ReadonlyMap<string, number> {
  return fastRuns;
}

function referenceSpecs(op: string): KernelSpec<any>[] {
  const specs = referenceKernels.filter((k) => k.op === op && (k.domain ?? DEFAULT_DOMAIN) === DEFAULT_DOMAIN);
  if (!specs.length) throw new Error(`backend-cpu: the reference backend has no kernel for ${op}`);
  return specs;
}

/** Float32 kernels for every opset range of `op`, each trying `fast` before the reference kernel. */
export function accelerate(op: string, fast: FastPath, dtypes: readonly string[] = ['float32']): KernelSpec<any>[] {
  return referenceSpecs(op).map((ref) => ({
    ...ref,
    dtypes: ref.dtypes ? ref.dtypes.filter((t) => dtypes.includes(t)) : [...dtypes] as KernelSpec['dtypes'],
    run: (inputs: KernelInputs, attrs: any, ctx: KernelContext) => {
      const out = fast(inputs, attrs, ctx);
      if (!out) return ref.run(inputs, attrs, ctx);
      fastRuns.set(op, (fastRuns.get(op) ?? 0) + 1);
      return out;
    },
  }));
}

/** Kernels for every opset range of `op` that run the reference kernel and let `after` see (and replace) its result. */
export function wrapReference(op: string, around: (inputs: KernelInputs, attrs: any, ctx: KernelContext, run: () => Value[] | Promise<Value[]>) => Value[] | Promise<Value[]>): KernelSpec<any>[] {
  return referenceSpecs(op).map((ref) => ({ ...ref, run: (inputs: KernelInputs, attrs: any, ctx: KernelContext) => around(inputs, attrs, ctx, () => ref.run(inputs, attrs, ctx)) }));
}

/** Input i when it is a float32 tensor, else undefined. */
export function floatInput(inputs: KernelInputs, i: number): Tensor<'float32'> | undefined {
  const v = inputs[i];
  return v instanceof Tensor && v.type === 'float32' ? (v as Tensor<'float32'>) : undefined;
}

export function floatTensor(data: Float32Array, dims: readonly number[]): Tensor<'float32'> {
  return new Tensor('float32', data, dims);
}
