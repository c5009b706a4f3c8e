/**
 * Runs the nodes of the graph that Gradient differentiates, and the single ops of its backward pass, with the
 * reference kernels, which Gradient finds in the backend registry at run time (importing the kernel list would be
 * an import cycle: that list includes Gradient).
 */
import {
  Tensor, describeNode, getBackend, kernelsFor, normalizeDomain, pickKernel, readAttributes, subgraphsOf, toAttribute,
  type Backend, type BuilderAttr, type KernelContext, type KernelInputs, type KernelSpec, type Node, type Value,
} from '@onnx-ts/core';

/** A node's kernel and the opset version it runs the node as. */
export interface ResolvedNode {
  kernel: KernelSpec<any>;
  opset: number;
}

export class Replay {
  private readonly backend: Backend;

  constructor(private readonly ctx: KernelContext) {
    const backend = getBackend('cpu-ref');
    if (!backend) throw new Error("Gradient: the 'cpu-ref' backend, whose kernels recompute the graph, is not registered");
    this.backend = backend;
  }

  /** The kernel of a node at the opset its model (or function) imports for the node's domain. */
  resolve(node: Node, inputs: KernelInputs): ResolvedNode {
    if (subgraphsOf(node).length > 0) {
      throw new Error(`Gradient: ${describeNode(node)} has a subgraph attribute; Gradient cannot recompute control flow`);
    }
    const opset = this.ctx.opsets.get(node.domain);
    if (opset === undefined) throw new Error(`Gradient: ${describeNode(node)} uses domain '${node.domain}', which the model does not import`);
    const candidates = kernelsFor(this.backend, node.domain, node.opType, opset);
    if (candidates.length === 0) {
      throw new Error(`Gradient: ${describeNode(node)}: the reference backend has no ${node.domain}.${node.opType} kernel at opset ${opset}`);
    }
    const types = inputs.map((v) => (v instanceof Tensor ? v.type : undefined));
    const kernel = pickKernel(candidates, types);
    if (!kernel) throw new Error(`Gradient: ${describeNode(node)}: no kernel accepts input types (${types.map((t) => t ?? '-').join(', ')})`);
    return { kernel, opset };
  }

  /** Runs a node of the differentiated graph on values of Gradient's choosing. */
  async runNode(node: Node, inputs: KernelInputs, resolved: ResolvedNode): Promise<Value[]> {
    const { kernel, opset } = resolved;
    const context: KernelContext = {
      node: { name: node.name, opType: node.opType, domain: node.domain },
      opset,
      opsets: this.ctx.opsets,
      outputCount: node.outputs.length,
      outputUsed: node.outputs.map((o) => o !== ''),
      graph: this.ctx.graph,
      runGraph: () => Promise.reject(new Error(`Gradient: ${describeNode(node)} cannot run a subgraph here`)),
      checkAllocation: this.ctx.checkAllocation,
    };
    try {
      return await kernel.run(inputs, readAttributes(node, kernel.attrs ?? {}), context);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new Error(`Gradient: recomputing ${describeNode(node)}: ${message}`, { cause: e });
    }
  }

  /** Runs one default-domain op of the backward pass (MatMul, Transpose) on float64 tensors. */
  async runOp(opType: string, inputs: Tensor[], attrs: Record<string, BuilderAttr> = {}): Promise<Tensor> {
    const node: Node = {
      name: `${this.ctx.node.name}/backward/${opType}`,
      opType,
      domain: normalizeDomain(''),
      inputs: inputs.map((_, i) => `in${i}`),
      outputs: ['out'],
      attributes: Object.entries(attrs).map(([name, value]) => toAttribute(name, value)),
    };
    const [out] = await this.runNode(node, inputs, this.resolve(node, inputs));
    return out as Tensor;
  }
}
