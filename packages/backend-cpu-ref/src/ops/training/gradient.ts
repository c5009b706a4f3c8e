/**
 * Gradient (ai.onnx.preview.training): the derivatives of the tensor named `y` with respect to the tensors named in
 * `xs`, at the values the node receives as inputs (those of xs, then those of zs). The op is defined over the graph
 * holding it: the nodes between xs/zs and y are recomputed at those values with the reference kernels, then reverse
 * mode carries the gradient back from y, seeded with ones (a non-scalar y gives the gradient of the sum of its
 * elements).
 */
import {
  DEFAULT_DOMAIN, FLOAT_DTYPES, Tensor, attr, defineKernel, describeNode, describeValue, sameShape,
  type DType, type KernelContext, type KernelInputs, type Node, type Value,
} from '@onnx-ts/core';
import { fromNumbers } from '../../util/elementwise.js';
import { addGradients, filled, valuesOf } from './grad-math.js';
import { Replay, type ResolvedNode } from './replay.js';
import { differentiatedSlice } from './slice.js';
import { vjpRules } from './vjp/index.js';

/** The output types of Gradient-1 (T2); each gradient has the type of its x. */
const GRADIENT_TYPES: readonly DType[] = ['float16', 'float32', 'float64'];

const shapeText = (dims: readonly number[]): string => `[${dims.join(', ')}]`;

/** The values of xs then zs by name, checked against the attributes. */
function bindSources(inputs: KernelInputs, xs: readonly string[], zs: readonly string[], ctx: KernelContext): Map<string, Tensor> {
  const names = [...xs, ...zs];
  if (inputs.length !== names.length) {
    throw new Error(`Gradient: expects one input per name in xs then zs (${names.length}: ${names.join(', ')}), got ${inputs.length}`);
  }
  if (ctx.outputCount > xs.length) {
    throw new Error(`Gradient: declares ${ctx.outputCount} outputs, but xs names ${xs.length} tensors (output i is the gradient with respect to xs[i])`);
  }
  const sources = new Map<string, Tensor>();
  names.forEach((name, i) => {
    const value = inputs[i];
    if (sources.has(name)) throw new Error(`Gradient: '${name}' is named twice in xs and zs`);
    if (!(value instanceof Tensor)) {
      throw new Error(`Gradient: input ${i} ('${name}') must be a tensor, got ${value === undefined ? 'nothing' : describeValue(value)}`);
    }
    if (i < xs.length && !GRADIENT_TYPES.includes(value.type)) {
      throw new Error(`Gradient: xs[${i}] '${name}' is ${value.type}; gradients are taken with respect to float16, float32 or float64 tensors`);
    }
    sources.set(name, value);
  });
  return sources;
}

interface ForwardPass {
  values: Map<string, Value>;
  kernels: Map<Node, ResolvedNode>;
  /** The float tensors that depend on xs: those a gradient flows through. */
  differentiable: Set<string>;
}

async function forward(nodes: readonly Node[], values: Map<string, Value>, xs: readonly string[], replay: Replay): Promise<ForwardPass> {
  const kernels = new Map<Node, ResolvedNode>();
  const differentiable = new Set(xs);
  for (const node of nodes) {
    const inputs = node.inputs.map((name) => (name === '' ? undefined : values.get(name)));
    const resolved = replay.resolve(node, inputs);
    kernels.set(node, resolved);
    const outputs = await replay.runNode(node, inputs, resolved);
    const dependsOnXs = node.inputs.some((name) => differentiable.has(name));
    node.outputs.forEach((name, i) => {
      const value = outputs[i];
      if (!name || value === undefined) return;
      values.set(name, value);
      if (dependsOnXs && value instanceof Tensor && FLOAT_DTYPES.includes(value.type)) differentiable.add(name);
    });
  }
  return { values, kernels, differentiable };
}

/** Carries the gradient of y back through the nodes, last to first; returns the gradient of each differentiable value reached. */
async function backward(nodes: readonly Node[], pass: ForwardPass, y: Tensor, yName: string, replay: Replay, ctx: KernelContext): Promise<Map<string, Tensor>> {
  const { values, kernels, differentiable } = pass;
  const grads = new Map<string, Tensor>();
  if (differentiable.has(yName)) grads.set(yName, filled(y.dims, 1));
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k];
    const grad = grads.get(node.outputs[0]);
    const needs = node.inputs.map((name) => differentiable.has(name));
    if (!grad || !needs.some(Boolean)) continue;
    const rule = node.domain === DEFAULT_DOMAIN && node.outputs.length === 1 ? vjpRules.get(node.opType) : undefined;
    if (!rule) {
      throw new Error(
        `Gradient: cannot differentiate through ${describeNode(node)}, which lies between xs and y '${yName}': ` +
        `no gradient rule for ${node.domain === DEFAULT_DOMAIN ? '' : node.domain + '.'}${node.opType} ` +
        `(rules exist for ${[...vjpRules.keys()].join(', ')})`,
      );
    }
    const inputs = node.inputs.map((name) => (name === '' ? undefined : values.get(name)));
    inputs.forEach((v, i) => { if (needs[i]) ctx.checkAllocation('float64', (v as Tensor).size); });
    const output = values.get(node.outputs[0]) as Tensor;
    const inputGrads = await rule({ node, inputs, output, grad, needs, since: kernels.get(node)!.kernel.since, replay });
    node.inputs.forEach((name, i) => {
      const g = inputGrads[i];
      if (!needs[i] || !g) return;
      const dims = (inputs[i] as Tensor).dims;
      if (!sameShape(g.dims, dims)) {
        throw new Error(`Gradient: the ${node.opType} rule gave input ${i} a gradient of shape ${shapeText(g.dims)} for a value of shape ${shapeText(dims)}`);
      }
      const previous = grads.get(name);
      grads.set(name, previous ? addGradients(previous, g) : g);
    });
  }
  return grads;
}

async function differentiate(inputs: KernelInputs, xs: readonly string[], yName: string, zs: readonly string[], ctx: KernelContext): Promise<Tensor[]> {
  const sources = bindSources(inputs, xs, zs, ctx);
  const slice = differentiatedSlice(ctx.graph, yName, new Set(sources.keys()));
  const replay = new Replay(ctx);
  const pass = await forward(slice.nodes, new Map<string, Value>([...slice.constants, ...sources]), xs, replay);
  const y = pass.values.get(yName);
  if (!(y instanceof Tensor) || !FLOAT_DTYPES.includes(y.type)) {
    throw new Error(`Gradient: y '${yName}' must be a float tensor, got ${describeValue(y)}`);
  }
  const grads = await backward(slice.nodes, pass, y, yName, replay, ctx);
  return xs.map((name) => {
    const x = sources.get(name)!;
    const g = grads.get(name);
    return fromNumbers(x.type, g ? valuesOf(g) : new Float64Array(x.size), x.dims);
  });
}

export default [
  defineKernel({
    op: 'Gradient', domain: 'ai.onnx.preview.training', since: 1,
    attrs: { xs: attr.strings.required(), y: attr.string.required(), zs: attr.strings([]) },
    run: (inputs, { xs, y, zs }, ctx) => differentiate(inputs, xs, y, zs, ctx),
  }),
];
