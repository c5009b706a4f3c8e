/** The contract of a vector-Jacobian product rule: one op's step of the reverse pass. */
import type { KernelInputs, Node, Tensor } from '@onnx-ts/core';
import type { Replay } from '../replay.js';

export interface VjpArgs {
  node: Node;
  /** The forward values of the node's inputs (undefined for an omitted optional input). */
  inputs: KernelInputs;
  /** The forward value of the node's (only) output. */
  output: Tensor;
  /** The gradient of y with respect to that output: float64, the output's shape. */
  grad: Tensor;
  /** Which inputs need a gradient: the float tensors that depend on xs. */
  needs: readonly boolean[];
  /** The first opset version of the kernel that ran the node, for ops whose meaning depends on it. */
  since: number;
  replay: Replay;
}

/** The gradients of y with respect to the node's inputs: float64, each its input's shape; undefined where not needed. */
export type VjpRule = (args: VjpArgs) => (Tensor | undefined)[] | Promise<(Tensor | undefined)[]>;
