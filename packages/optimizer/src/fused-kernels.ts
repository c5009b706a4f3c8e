/**
 * Reference kernels of the com.onnx-ts fused ops: the reference backend's Conv/Gemm/MatMul, then the activation
 * applied in place on the fresh output (no second tensor, no second pass over memory by another node). Registered
 * as the backend 'onnx-ts-fused' (lowest priority), so an accelerated backend that has its own kernels for these ops
 * claims them first.
 */
import { cpuRef } from '@onnx-ts/backend-cpu-ref';
import { attr, defineKernel, kernelsFor, pickKernel, type Backend, type KernelSpec, type Tensor, type Value } from '@onnx-ts/core';
import { FUSED_DOMAIN } from './passes/fusion.js';

/** Opset of the default domain whose Conv/Gemm/MatMul semantics the fused ops take. */
const BASE_OPSET = 13;

/**
 * erf(z) in double precision: its Maclaurin series below |z| = 2.5, and above it 1 - erfc(z) with erfc from its
 * continued fraction, erfc(z) = e^(-z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))).
 */
export function erf(z: number): number {
  const a = Math.abs(z);
  if (a < 2.5) {
    // 2/√π · Σ (-1)^n z^(2n+1) / (n! (2n+1))
    let term = z;
    let sum = z;
    const z2 = z * z;
    for (let n = 1; n < 100 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= -z2 / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (a > 6) return Math.sign(z);
  // Evaluated from the tail inwards: 40 levels are far more than double precision needs for |z| >= 2.5.
  let fraction = a;
  for (let k = 40; k >= 1; k--) fraction = a + (k / 2) / fraction;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / fraction;
  return Math.sign(z) * (1 - erfc);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Applies an activation in place; throws naming the activation when it is unknown or its parameters are wrong. */
export function applyActivation(data: Float32Array | Float64Array, activation: string, params: readonly number[], op: string): void {
  const need = (n: number): void => {
    if (params.length !== n) throw new Error(`${op}: activation ${activation} takes ${n} activation_params, got ${params.length}`);
  };
  const n = data.length;
  switch (activation) {
    case 'Relu':
      need(0);
      for (let i = 0; i < n; i++) if (data[i] < 0) data[i] = 0;
      return;
    case 'Sigmoid':
      need(0);
      for (let i = 0; i < n; i++) data[i] = 1 / (1 + Math.exp(-data[i]));
      return;
    case 'Tanh':
      need(0);
      for (let i = 0; i < n; i++) data[i] = Math.tanh(data[i]);
      return;
    case 'LeakyRelu': {
      need(1);
      const alpha = params[0];
      for (let i = 0; i < n; i++) if (data[i] < 0) data[i] *= alpha;
      return;
    }
    case 'HardSigmoid': {
      need(2);
      const [alpha, beta] = params;
      for (let i = 0; i < n; i++) data[i] = Math.max(0, Math.min(1, alpha * data[i] + beta));
      return;
    }
    case 'Clip': {
      need(2);
      const [lo, hi] = params;
      for (let i = 0; i < n; i++) {
        const v = data[i];
        if (v < lo) data[i] = lo;
        else if (v > hi) data[i] = hi;
      }
      return;
    }
    case 'Gelu': {
      need(1);
      if (params[0]) {
        for (let i = 0; i < n; i++) {
          const v = data[i];
          data[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
        }
      } else {
        for (let i = 0; i < n; i++) data[i] = 0.5 * data[i] * (1 + erf(data[i] * Math.SQRT1_2));
      }
      return;
    }
    default:
      throw new Error(`${op}: unknown activation '${activation}' (expected Relu, Sigmoid, Tanh, LeakyRelu, HardSigmoid, Clip or Gelu)`);
  }
}

function fusedKernel(op: string, base: string): KernelSpec<any> {
  const baseKernel = pickKernel(kernelsFor(cpuRef, 'ai.onnx', base, BASE_OPSET), ['float32']);
  if (!baseKernel) throw new Error(`the reference backend has no ${base} kernel for opset ${BASE_OPSET}`);
  return defineKernel({
    op,
    domain: FUSED_DOMAIN,
    since: 1,
    dtypes: ['float32', 'float64'],
    attrs: { ...baseKernel.attrs, activation: attr.string.required(), activation_params: attr.floats([]) },
    run: (inputs, attrs, ctx) => {
      const activate = (outputs: Value[]): Value[] => {
        const y = outputs[0] as Tensor;
        applyActivation(y.data as Float32Array | Float64Array, attrs.activation as string, attrs.activation_params as number[], op);
        return [y];
      };
      const result = baseKernel.run(inputs, attrs, { ...ctx, opset: BASE_OPSET });
      return result instanceof Promise ? result.then(activate) : activate(result);
    },
  });
}

export const fusedKernels: KernelSpec<any>[] = [
  fusedKernel('FusedConv', 'Conv'),
  fusedKernel('FusedGemm', 'Gemm'),
  fusedKernel('FusedMatMul', 'MatMul'),
];

export const fusedBackend: Backend = {
  name: 'onnx-ts-fused',
  priority: -1,
  isAvailable: () => true,
  kernels: fusedKernels,
};
