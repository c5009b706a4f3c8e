/**
 * Running one node on constant inputs with the reference backend's kernels, synchronously, so constant folding can
 * happen inside InferenceSession.create's (synchronous) optimizer hook.
 */
import { cpuRef } from '@onnx-ts/backend-cpu-ref';
import {
  bitsPerElement, checkAllocation, isTensor, kernelsFor, pickKernel, readAttributes, subgraphsOf, type Graph, type KernelContext, type Node,
  type Tensor, type Value,
} from '@onnx-ts/core';

/** Ops whose outputs differ from run to run: never folded. */
const NONDETERMINISTIC = new Set([
  'RandomNormal', 'RandomNormalLike', 'RandomUniform', 'RandomUniformLike', 'Multinomial', 'Bernoulli',
]);

export function isDeterministic(node: Node): boolean {
  return !NONDETERMINISTIC.has(node.opType) && subgraphsOf(node).length === 0;
}

/**
 * The node's outputs for these inputs, or undefined when it cannot be evaluated here: no reference kernel, a kernel
 * that needs to run asynchronously, a non-tensor output, an error (left for run time to report), or an output above
 * `maxBytes`.
 */
export function evaluateNode(
  node: Node, inputs: readonly (Tensor | undefined)[], opsets: ReadonlyMap<string, number>, maxBytes: number, graph: Graph,
): Tensor[] | undefined {
  if (!isDeterministic(node)) return undefined;
  const opset = opsets.get(node.domain) ?? 1;
  const kernel = pickKernel(kernelsFor(cpuRef, node.domain, node.opType, opset), inputs.map((t) => t?.type));
  if (!kernel) return undefined;
  const ctx: KernelContext = {
    node: { name: node.name, opType: node.opType, domain: node.domain },
    opset,
    opsets,
    graph,
    outputCount: node.outputs.length,
    outputUsed: node.outputs.map((o) => o !== ''),
    runGraph: () => Promise.reject(new Error('subgraphs are not evaluated while folding')),
    checkAllocation: (type, count) => checkAllocation(type, count, maxBytes),
  };
  let result: Value[] | Promise<Value[]>;
  try {
    result = kernel.run(inputs, readAttributes(node, kernel.attrs ?? {}), ctx);
  } catch {
    return undefined;
  }
  if (result instanceof Promise) {
    result.catch(() => undefined);
    return undefined;
  }
  const outputs: Tensor[] = [];
  for (let i = 0; i < node.outputs.length; i++) {
    if (!node.outputs[i]) continue;
    const v = result[i];
    if (!isTensor(v) || v.location !== 'cpu' || tensorBytes(v) > maxBytes) return undefined;
    outputs[i] = v;
  }
  return outputs;
}

export function tensorBytes(t: Tensor): number {
  return Math.ceil((t.size * bitsPerElement(t.type)) / 8);
}
