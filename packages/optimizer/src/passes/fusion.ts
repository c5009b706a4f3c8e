/**
 * Node fusions: MatMul + Add into Gemm (standard ONNX), and Conv/Gemm/MatMul + activation into the fused ops of the
 * com.onnx-ts domain (FusedConv, FusedGemm, FusedMatMul), which only runtimes that have kernels for them can run.
 */
import { FloatAttr, attr, readAttributes, toAttribute, type Attribute, type Node } from '@onnx-ts/core';
import { makeNode, removeNodes, replaceValue } from '../graph.js';
import { broadcastDims, isStatic } from '../shape-inference.js';
import type { Pass, PassContext } from './pass.js';

export const FUSED_DOMAIN = 'com.onnx-ts';

const GEMM_TYPES = new Set(['float32', 'float64', 'float16']);

export const matmulAddToGemm: Pass = {
  name: 'matmul-add-to-gemm',
  level: 'extended',
  run(ctx) {
    if (ctx.opset() < 7) return 0;
    let changes = 0;
    for (const add of [...ctx.graph.nodes]) {
      if (add.opType !== 'Add' || add.domain !== 'ai.onnx' || add.inputs.length !== 2) continue;
      for (const [m, k] of [[0, 1], [1, 0]]) {
        const matmul = ctx.index.producer.get(add.inputs[m]);
        if (!matmul || matmul.opType !== 'MatMul' || matmul.domain !== 'ai.onnx' || ctx.index.soleConsumer(add.inputs[m]) !== add) continue;
        const a = ctx.facts.get(matmul.inputs[0]);
        const b = ctx.facts.get(matmul.inputs[1]);
        const c = ctx.facts.get(add.inputs[k]);
        const out = ctx.facts.get(matmul.outputs[0]);
        if (a?.shape?.length !== 2 || b?.shape?.length !== 2 || !out?.shape || !isStatic(c?.shape)) continue;
        if (!GEMM_TYPES.has(a.type ?? '') || c!.type !== a.type) continue;
        // C must broadcast to [M, N] without growing it.
        const grown = broadcastDims([out.shape, c!.shape]);
        if (!grown || grown.some((d, i) => d !== out.shape![i]) || c!.shape!.length > 2) continue;
        if (!replaceValue(ctx.index, add.outputs[0], matmul.outputs[0])) continue;
        matmul.opType = 'Gemm';
        matmul.inputs = [matmul.inputs[0], matmul.inputs[1], add.inputs[k]];
        removeNodes(ctx.graph, [add]);
        ctx.reindex();
        changes++;
        break;
      }
    }
    return changes;
  },
};

/** The activation a node applies, as the fused ops record it, or undefined when it cannot be fused. */
export function activationOf(ctx: PassContext, node: Node): { activation: string; params: number[] } | undefined {
  if (node.domain !== 'ai.onnx') return undefined;
  switch (node.opType) {
    case 'Relu': case 'Sigmoid': case 'Tanh':
      return { activation: node.opType, params: [] };
    case 'LeakyRelu':
      return { activation: 'LeakyRelu', params: [readAttributes(node, { alpha: attr.float(0.01) }).alpha] };
    case 'HardSigmoid': {
      const a = readAttributes(node, { alpha: attr.float(0.2), beta: attr.float(0.5) });
      return { activation: 'HardSigmoid', params: [a.alpha, a.beta] };
    }
    case 'Gelu': {
      const { approximate } = readAttributes(node, { approximate: attr.string('none') });
      return { activation: 'Gelu', params: [approximate === 'tanh' ? 1 : 0] };
    }
    case 'Clip': {
      if (ctx.opset() < 11) {
        const a = readAttributes(node, { min: attr.float(-3.4028234663852886e38), max: attr.float(3.4028234663852886e38) });
        return { activation: 'Clip', params: [a.min, a.max] };
      }
      const bound = (i: number, fallback: number): number | undefined => {
        if (!node.inputs[i]) return fallback;
        const t = ctx.index.constant(node.inputs[i]);
        return t && t.size === 1 && (t.type === 'float32' || t.type === 'float64') ? Number((t.data as Float32Array)[0]) : undefined;
      };
      const lo = bound(1, -Infinity);
      const hi = bound(2, Infinity);
      return lo === undefined || hi === undefined ? undefined : { activation: 'Clip', params: [lo, hi] };
    }
    default:
      return undefined;
  }
}

const FUSED_OP: Record<string, string> = { Conv: 'FusedConv', Gemm: 'FusedGemm', MatMul: 'FusedMatMul' };
const FUSED_TYPES = new Set(['float32', 'float64']);

export const activationFusion: Pass = {
  name: 'activation-fusion',
  level: 'extended',
  run(ctx) {
    let changes = 0;
    for (const act of [...ctx.graph.nodes]) {
      const base = ctx.index.producer.get(act.inputs[0] ?? '');
      const fusedOp = base && base.domain === 'ai.onnx' ? FUSED_OP[base.opType] : undefined;
      if (!base || !fusedOp || !ctx.options.customOp(fusedOp) || ctx.index.soleConsumer(act.inputs[0]) !== act) continue;
      if (!FUSED_TYPES.has(ctx.facts.get(base.outputs[0])?.type ?? '')) continue;
      // Gemm's semantics before opset 11 (broadcast attribute, required C) are not the fused op's.
      if (base.opType === 'Gemm' && (ctx.opset() < 11)) continue;
      const activation = activationOf(ctx, act);
      if (!activation) continue;
      if (!replaceValue(ctx.index, act.outputs[0], base.outputs[0])) continue;
      const attributes: Attribute[] = [
        ...base.attributes,
        toAttribute('activation', activation.activation),
        { name: 'activation_params', type: 'floats', value: activation.params },
      ];
      const fused = makeNode(fusedOp, base.inputs, base.outputs, base.name, attributes, FUSED_DOMAIN);
      ctx.graph.nodes.splice(ctx.graph.nodes.indexOf(base), 1, fused);
      removeNodes(ctx.graph, [act]);
      if (!ctx.model.opsetImports.has(FUSED_DOMAIN)) ctx.model.opsetImports.set(FUSED_DOMAIN, 1);
      ctx.reindex();
      changes++;
    }
    return changes;
  },
};

/** A float attribute (FloatAttr keeps whole numbers as floats). */
export function floatAttribute(name: string, value: number): Attribute {
  return toAttribute(name, new FloatAttr(value));
}
