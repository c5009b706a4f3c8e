/**
 * Runs the nodes of the graph that Gradient differentiates, and the single ops of its backward pass, with the
 * reference kernels, which Gradient finds in the backend registry at run time (importing the kernel list would be
 * an import cycle: that list includes Gradient).
 */
import {
  Tensor, describeNode, getBackend, normalizeDomain, pickKernel, readAttributes, subgraphsOf, toAttribute,
  type Backend, type BuilderAttr, type KernelContext, type KernelInputs, type KernelSpec, type Node, type Value,
} from '@onnx-ts/core';

/** A node's kernel and the opset version it runs the node as. */
export interface ResolvedNode {
  kernel: KernelSpec<any>;
  opset: number;
}

/**
 * Ops whose meaning changed at an opset without a change of attributes, so the attributes cannot tell which version a
 * node means: Softmax and its kin normalize all axes from `axis` (default 1) before 13, the single axis `axis`
 * (default -1) from 13.
 */
const GROUPING_CHANGED_AT_13 = new Set(['Softmax', 'LogSoftmax', 'Hardmax']);

function groupingIsUnambiguous(node: Node, rank: number): boolean {
  const explicit = node.attributes.find((a) => a.name === 'axis')?.value as number | undefined;
  const before13 = explicit ?? 1;
  const from13 = explicit ?? -1;
  const first = before13 < 0 ? before13 + rank : before13;
  return first === rank - 1 && (from13 < 0 ? from13 + rank : from13) === rank - 1;
}

export class Replay {
  private readonly backend: Backend;
  private readonly newestOpset = new Map<string, number>();

  constructor(private readonly ctx: KernelContext) {
    const backend = getBackend('cpu-ref');
    if (!backend) throw new Error("Gradient: the 'cpu-ref' backend, whose kernels recompute the graph, is not registered");
    this.backend = backend;
  }

  /**
   * The kernel of a node. The context gives Gradient only the opset of its own domain, not the model's imports of the
   * domains it differentiates, so a node runs as the newest version whose attributes include the node's: attributes
   * that later versions turned into inputs (axes, shape, ...) select the older kernel. Where the attributes cannot
   * tell two meanings apart the node is refused rather than guessed.
   */
  resolve(node: Node, inputs: KernelInputs): ResolvedNode {
    if (subgraphsOf(node).length > 0) {
      throw new Error(`Gradient: ${describeNode(node)} has a subgraph attribute; Gradient cannot recompute control flow`);
    }
    const versions = this.backend.kernels
      .filter((k) => normalizeDomain(k.domain) === node.domain && k.op === node.opType)
      .sort((a, b) => b.since - a.since);
    if (versions.length === 0) {
      throw new Error(`Gradient: ${describeNode(node)}: the reference backend has no ${node.domain}.${node.opType} kernel`);
    }
    const covering = versions.filter((k) => node.attributes.every((a) => k.attrs !== undefined && a.name in k.attrs));
    const types = inputs.map((v) => (v instanceof Tensor ? v.type : undefined));
    const kernel = pickKernel(covering.length > 0 ? covering : versions, types);
    if (!kernel) throw new Error(`Gradient: ${describeNode(node)}: no kernel accepts input types (${types.map((t) => t ?? '-').join(', ')})`);
    const first = inputs[0];
    if (GROUPING_CHANGED_AT_13.has(node.opType) && first instanceof Tensor && !groupingIsUnambiguous(node, first.dims.length)) {
      throw new Error(
        `Gradient: ${describeNode(node)} normalizes different axes before and after opset 13 for a rank-${first.dims.length} ` +
        'input, and Gradient is not told the model\'s ai.onnx opset; give it an axis that is the last axis',
      );
    }
    return { kernel, opset: kernel.until ?? this.newest(node.domain) };
  }

  /** Runs a node of the differentiated graph on values of Gradient's choosing. */
  async runNode(node: Node, inputs: KernelInputs, resolved: ResolvedNode): Promise<Value[]> {
    const { kernel, opset } = resolved;
    const context: KernelContext = {
      node: { name: node.name, opType: node.opType, domain: node.domain },
      opset,
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

  /** The newest opset any reference kernel of the domain implements. */
  private newest(domain: string): number {
    let newest = this.newestOpset.get(domain);
    if (newest === undefined) {
      newest = 1;
      for (const k of this.backend.kernels) {
        if (normalizeDomain(k.domain) === domain) newest = Math.max(newest, k.until ?? k.since);
      }
      this.newestOpset.set(domain, newest);
    }
    return newest;
  }
}
