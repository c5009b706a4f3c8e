/**
 * This backend's kernels wrap the reference backend's: the same op, opset range and attribute schema, accepting only
 * float32, with a fast path that returns undefined for what it does not cover (then the reference kernel runs on CPU
 * copies of resident inputs, and also reports bad input with its clear errors).
 */
import { DEFAULT_DOMAIN, Tensor, type KernelContext, type KernelInputs, type KernelSpec, type Value } from '@onnx-ts/core';
import { kernels as referenceKernels } from '@onnx-ts/backend-cpu-ref';
import { aliasTensor, floatsOf, inputsOnHost, residentAddress } from '../runtime/resident.js';

export type FastPath = (inputs: KernelInputs, attrs: any, ctx: KernelContext) => Value[] | undefined;

const fastRuns = new Map<string, number>();

/** How many nodes of each op this backend has run on its fast path (not handed to the reference) in this thread. */
export function acceleratedCounts(): ReadonlyMap<string, number> {
  return fastRuns;
}

export function referenceSpecs(op: string): KernelSpec<any>[] {
  const specs = referenceKernels.filter((k) => k.op === op && (k.domain ?? DEFAULT_DOMAIN) === DEFAULT_DOMAIN);
  if (!specs.length) throw new Error(`backend-cpu: the reference backend has no kernel for ${op}`);
  return specs;
}

/** Float32 kernels for every opset range of `op`, each trying `fast` before the reference kernel. */
export function accelerate(op: string, fast: FastPath, dtypes: readonly string[] = ['float32']): KernelSpec<any>[] {
  return referenceSpecs(op).map((ref) => withFastPath(ref, fast, dtypes));
}

/** `ref` restricted to `dtypes`, trying `fast` first and running `ref` on CPU copies of the inputs when it declines. */
export function withFastPath(ref: KernelSpec<any>, fast: FastPath, dtypes: readonly string[] = ['float32']): KernelSpec<any> {
  return {
    ...ref,
    dtypes: ref.dtypes ? ref.dtypes.filter((t) => dtypes.includes(t)) : [...dtypes] as KernelSpec['dtypes'],
    run: (inputs: KernelInputs, attrs: any, ctx: KernelContext) => {
      const out = fast(inputs, attrs, ctx);
      if (!out) return ref.run(inputsOnHost(inputs), attrs, ctx);
      fastRuns.set(ref.op, (fastRuns.get(ref.op) ?? 0) + 1);
      return out;
    },
  };
}

/** Kernels for every opset range of `op` that run the reference kernel and let `after` see (and replace) its result. */
export function wrapReference(op: string, around: (inputs: KernelInputs, attrs: any, ctx: KernelContext, run: () => Value[] | Promise<Value[]>) => Value[] | Promise<Value[]>): KernelSpec<any>[] {
  return referenceSpecs(op).map((ref) => ({ ...ref, run: (inputs: KernelInputs, attrs: any, ctx: KernelContext) => around(inputs, attrs, ctx, () => ref.run(inputsOnHost(inputs), attrs, ctx)) }));
}

/** Input i when it is a float32 tensor, else undefined. */
export function floatInput(inputs: KernelInputs, i: number): Tensor<'float32'> | undefined {
  const v = inputs[i];
  return v instanceof Tensor && v.type === 'float32' ? (v as Tensor<'float32'>) : undefined;
}

/**
 * Kernels for an op whose first output is its input's data under other dims (Reshape, Flatten, Squeeze, Unsqueeze;
 * Identity and Dropout in inference): the reference kernel runs on a view of a resident input, and an output that is
 * that view becomes a resident tensor sharing the input's block, so the data stays in the WebAssembly memory.
 */
export function sharingData(op: string): KernelSpec<any>[] {
  return referenceSpecs(op).map((ref) => ({
    ...ref,
    dtypes: ['float32'],
    run: (inputs: KernelInputs, attrs: any, ctx: KernelContext) => {
      const x = inputs[0];
      if (!(x instanceof Tensor) || residentAddress(x) === undefined) return ref.run(inputsOnHost(inputs), attrs, ctx);
      const view = floatsOf(x as Tensor<'float32'>);
      const keep = (outputs: Value[]): Value[] => outputs.map((v) => {
        if (!(v instanceof Tensor) || v.location !== 'cpu' || v.type !== 'float32') return v;
        const data = v.data as Float32Array;
        if (data === view) return aliasTensor(x, v.dims);
        // Any other view of the WebAssembly memory must not outlive this call: it is copied.
        return data.buffer === view.buffer ? new Tensor('float32', data.slice(), v.dims) : v;
      });
      return thenApply(ref.run(inputsOnHost([new Tensor('float32', view, x.dims), ...inputs.slice(1)]), attrs, ctx), keep);
    },
  }));
}

/** f applied to a kernel's result, synchronously when the kernel returned one (no promise, no microtask per node). */
export function thenApply(result: Value[] | Promise<Value[]>, f: (outputs: Value[]) => Value[]): Value[] | Promise<Value[]> {
  return result instanceof Promise ? result.then(f) : f(result);
}
