/**
 * The optimizer's fused ops (domain com.onnx-ts: FusedConv, FusedGemm, FusedMatMul = the opset-13 op followed by an
 * activation), with the activation applied as each result is stored, so it costs no pass over memory. A node the
 * GEMM-shaped kernel does not cover runs its base op on cpu-ref and the activation here.
 */
import { attr, type AttrSchema, type KernelInputs, type KernelSpec, type Tensor } from '@onnx-ts/core';
import { convAttrs, gemmAttrs } from '@onnx-ts/backend-cpu-ref';
import type { GpuContext } from '../context.js';
import { gpuKernel, runOnCpuRef, type GpuJob, type GpuKernelContext } from '../define.js';
import { uploadTensor } from '../tensors.js';
import { tensorAt, tensorsAt } from './args.js';
import { elementwise, f32Literal } from './elementwise/engine.js';
import type { Epilogue } from './matmul/gemm.js';
import { gemmPlan, matmulPlan } from './matmul/matmul.js';
import { convPlan, convProblem } from './nn/conv.js';

const FUSED_DOMAIN = 'com.onnx-ts';
/** The opset whose Conv/Gemm/MatMul the fused ops follow. */
const BASE_OPSET = 13;

/** The activation as WGSL on a result, or undefined when the name or parameter count is not one the optimizer writes. */
function activationWgsl(name: string, params: readonly number[]): Epilogue | undefined {
  const p = params.map(f32Literal);
  const arity: Record<string, number> = { Relu: 0, Sigmoid: 0, Tanh: 0, LeakyRelu: 1, HardSigmoid: 2, Clip: 2, Gelu: 1 };
  if (arity[name] !== params.length) return undefined;
  switch (name) {
    case 'Relu': return (v) => `select(${v}, 0.0, (${v}) < 0.0 && !is_nan(${v}))`;
    case 'Sigmoid': return (v) => `sigmoid_f(${v})`;
    case 'Tanh': return (v) => `tanh_f(${v})`;
    case 'LeakyRelu': return (v) => `select(${v}, ${p[0]} * (${v}), (${v}) < 0.0)`;
    case 'HardSigmoid': return (v) => `clamp(${p[0]} * (${v}) + ${p[1]}, 0.0, 1.0)`;
    case 'Clip': return (v) => `select(select(${v}, ${p[0]}, (${v}) < ${p[0]}), ${p[1]}, (${v}) > ${p[1]})`;
    case 'Gelu': return params[0]
      ? (v) => `(${v}) * sigmoid_f(1.5957691216057308 * ((${v}) + 0.044715 * (${v}) * (${v}) * (${v})))`
      : (v) => `0.5 * (${v}) * erfc_f(-(${v}) * 0.7071067811865476)`;
    default: return undefined;
  }
}

const FUSED_ATTRS = { activation: attr.string.required(), activation_params: attr.floats([]) };

/** The base op on cpu-ref, then the activation on the GPU. */
async function viaCpuRef(base: string, inputs: KernelInputs, attrs: unknown, ctx: GpuKernelContext, epilogue: Epilogue): Promise<Tensor[]> {
  const [y] = (await runOnCpuRef({ op: base }, inputs, attrs, { ...ctx, opset: BASE_OPSET }, ctx.gpu)) as Tensor[];
  return [await elementwise(ctx.gpu, { label: 'activation', inputs: [uploadTensor(y, ctx.gpu)], outType: y.type, expr: ([v]) => epilogue(v) })];
}

function fused<S extends AttrSchema>(op: string, base: string, attrs: S, plan: (gpu: GpuContext, inputs: KernelInputs, a: any, epilogue: Epilogue) => GpuJob | undefined): KernelSpec<any> {
  return gpuKernel({
    op, domain: FUSED_DOMAIN, since: 1, dtypes: ['float32', 'float16'], attrs: { ...attrs, ...FUSED_ATTRS },
    plan: (inputs, a, ctx) => {
      const epilogue = activationWgsl(a.activation as string, a.activation_params as number[]);
      if (!epilogue) return undefined;
      return plan(ctx.gpu, inputs, a, epilogue) ?? (() => viaCpuRef(base, inputs, a, ctx, epilogue));
    },
  });
}

export const fusedKernels: KernelSpec<any>[] = [
  fused('FusedConv', 'Conv', convAttrs, (gpu, inputs, a, epilogue) => {
    const p = convProblem(gpu, inputs, a);
    return p && convPlan(gpu, p, epilogue);
  }),
  fused('FusedGemm', 'Gemm', gemmAttrs, (gpu, inputs, a, epilogue) => {
    const ts = tensorsAt(inputs, 2);
    return ts && gemmPlan(gpu, ts[0], ts[1], tensorAt(inputs, 2), a, BASE_OPSET, epilogue);
  }),
  fused('FusedMatMul', 'MatMul', {}, (gpu, inputs, _a, epilogue) => {
    const ts = tensorsAt(inputs, 2);
    return ts && matmulPlan(gpu, ts[0], ts[1], epilogue);
  }),
];
