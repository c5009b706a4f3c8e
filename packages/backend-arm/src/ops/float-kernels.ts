import type { KernelSpec } from '@onnx-ts/core';
import cpuRef from '@onnx-ts/backend-cpu-ref';
import cpu from '@onnx-ts/backend-cpu';
import { kernelsOf } from '../delegate.js';

/** The kernels of `op` this backend wraps: backend-cpu's (float32) first, then the reference's (other types). */
export function floatKernels(op: string): KernelSpec<any>[] {
  return [...kernelsOf(cpu.kernels, op), ...kernelsOf(cpuRef.kernels, op)];
}
