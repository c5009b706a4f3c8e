/**
 * GPU kernel specs. Each declares the attributes of the matching cpu-ref kernel (a unit test checks the schemas are
 * identical), so when a node falls outside what the WGSL kernel handles — an unusual attribute, an invalid input —
 * `supports` says no and the cpu-ref kernel runs it on the CPU with the same attribute values, giving its result or
 * its clear Error. Such delegations are counted (delegationCounts) so reports can tell them apart.
 */
import {
  defineKernel, isTensor, kernelsFor, pickKernel, type AttrSchema, type AttrValues, type DType, type KernelContext,
  type KernelInputs, type KernelSpec, type Tensor, type Value,
} from '@onnx-ts/core';
import { cpuRef } from '@onnx-ts/backend-cpu-ref';
import type { GpuContext } from './context.js';
import { downloadTensor, GPU_LOCATION } from './tensors.js';

export interface GpuKernelContext extends KernelContext {
  gpu: GpuContext;
}

export interface GpuKernelSpec<S extends AttrSchema> {
  op: string;
  domain?: string;
  since: number;
  until?: number;
  dtypes: readonly DType[];
  dtypeInput?: number;
  attrs?: S;
  /** Whether the WGSL kernel handles these inputs and attributes; when false cpu-ref runs the node. */
  supports?(inputs: KernelInputs, attrs: AttrValues<S>, ctx: GpuKernelContext): boolean | Promise<boolean>;
  run?(inputs: KernelInputs, attrs: AttrValues<S>, ctx: GpuKernelContext): Value[] | Promise<Value[]>;
  /**
   * Instead of supports + run: works out the node (output dims, walks) and returns the job that records its
   * kernels, or undefined when cpu-ref must run it.
   */
  plan?(inputs: KernelInputs, attrs: AttrValues<S>, ctx: GpuKernelContext): GpuJob | undefined | Promise<GpuJob | undefined>;
}

export type GpuJob = () => Value[] | Promise<Value[]>;

let contextSource: (() => Promise<GpuContext>) | undefined;

/** Tells the kernels how to reach the device (the backend does this at import). */
export function setContextSource(source: () => Promise<GpuContext>): void {
  contextSource = source;
}

const delegations = new Map<string, number>();

/** How many times each op ran on cpu-ref because its GPU kernel did not support the node. */
export function delegationCounts(): ReadonlyMap<string, number> {
  return delegations;
}

async function toCpu(v: Value | undefined, gpu: GpuContext): Promise<Value | undefined> {
  if (isTensor(v) && v.location === GPU_LOCATION) return downloadTensor(v, gpu);
  if (Array.isArray(v)) return Promise.all(v.map((x) => toCpu(x, gpu))) as Promise<Value[]>;
  return v;
}

/** Runs the node on cpu-ref (inputs copied to the CPU; outputs stay there until a GPU kernel reads them). */
export async function runOnCpuRef(spec: { op: string; domain?: string }, inputs: KernelInputs, attrs: unknown, ctx: KernelContext, gpu: GpuContext): Promise<Value[]> {
  const cpuInputs = await Promise.all(inputs.map((v) => toCpu(v, gpu)));
  const types = cpuInputs.map((v) => (isTensor(v) ? (v as Tensor).type : undefined));
  const kernel = pickKernel(kernelsFor(cpuRef, spec.domain ?? '', spec.op, ctx.opset), types);
  if (!kernel) throw new Error(`${spec.op}: cpu-ref has no kernel for opset ${ctx.opset} and input types (${types.join(', ')})`);
  const key = `${spec.domain ? `${spec.domain}.` : ''}${spec.op}`;
  delegations.set(key, (delegations.get(key) ?? 0) + 1);
  return kernel.run(cpuInputs, attrs as never, ctx);
}

async function supported<S extends AttrSchema>(
  spec: GpuKernelSpec<S>, inputs: KernelInputs, attrs: AttrValues<S>, ctx: GpuKernelContext,
): Promise<GpuJob | undefined> {
  if (!spec.run) throw new Error(`gpu: kernel ${spec.op} has neither run nor plan`);
  if (spec.supports && !(await spec.supports(inputs, attrs, ctx))) return undefined;
  const run = spec.run;
  return () => run(inputs, attrs, ctx);
}

export function gpuKernel<S extends AttrSchema = Record<string, never>>(spec: GpuKernelSpec<S>): KernelSpec<S> {
  return defineKernel<S>({
    op: spec.op,
    domain: spec.domain,
    since: spec.since,
    until: spec.until,
    dtypes: spec.dtypes,
    dtypeInput: spec.dtypeInput,
    attrs: spec.attrs,
    run: async (inputs, attrs, ctx) => {
      if (!contextSource) throw new Error('gpu: the backend is not initialized');
      const gpu = await contextSource();
      const gctx: GpuKernelContext = { ...ctx, gpu };
      const job = spec.plan ? await spec.plan(inputs, attrs, gctx) : await supported(spec, inputs, attrs, gctx);
      if (!job) return runOnCpuRef(spec, inputs, attrs, ctx, gpu);
      gpu.currentLabel = `${ctx.node.opType} '${ctx.node.name}'`;
      return job();
    },
  });
}
