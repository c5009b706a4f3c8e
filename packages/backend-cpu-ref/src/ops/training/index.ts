/** Gradient of ai.onnx.preview.training: reverse-mode differentiation of the graph holding the node. */
import type { KernelSpec } from '@onnx-ts/core';
import gradient from './gradient.js';

export const kernels: KernelSpec<any>[] = [...gradient];
