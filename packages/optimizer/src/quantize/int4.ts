/**
 * Weight-only 4-bit quantization for MatMul-heavy models: each constant MatMul/Gemm weight becomes int4 values with
 * one float scale per block of `blockSize` consecutive elements along the reduction axis, read back through
 * DequantizeLinear (opset 21, block_size); activations stay float. The model is optimized (extended) first.
 */
import { attr, readAttributes, toAttribute, type Model, type Value } from '@onnx-ts/core';
import { GraphIndex, NameScope, cloneModel, makeNode, sortTopologically } from '../graph.js';
import { optimize } from '../optimize.js';
import { upgradeOpset } from '../opset.js';
import { deadCodeElimination } from '../passes/cleanup.js';
import { PassContext } from '../passes/pass.js';
import { quantizeTensor } from './params.js';
import type { TensorReport } from './quantize.js';
import { compareOnSamples, type OutputError } from './report.js';

export interface Int4Options {
  /** Elements per scale along the reduction axis (default 32). */
  blockSize?: number;
  /** Node names left in float. */
  excludeNodes?: readonly string[];
  /** Inputs for the output-error report. */
  samples?: readonly Record<string, Value>[];
}

export interface Int4Report {
  blockSize: number;
  quantizedNodes: string[];
  skipped: { node: string; reason: string }[];
  tensors: TensorReport[];
  outputs: OutputError[];
}

const BLOCKED_DQ_OPSET = 21;

export async function quantizeWeightsInt4(model: Model, options: Int4Options = {}): Promise<{ model: Model; report: Int4Report }> {
  const blockSize = options.blockSize ?? 32;
  if (!Number.isInteger(blockSize) || blockSize < 2) throw new Error(`quantize int4: block size must be an integer >= 2, got ${blockSize}`);
  const base = optimize(model, { level: 'extended' });
  const out = cloneModel(upgradeOpset(base, Math.max(BLOCKED_DQ_OPSET, base.opsetImports.get('ai.onnx') ?? 0)));
  const g = out.graph;
  const names = new NameScope(out);
  const index = new GraphIndex(g);
  const excluded = new Set(options.excludeNodes ?? []);
  const report: Int4Report = { blockSize, quantizedNodes: [], skipped: [], tensors: [], outputs: [] };
  for (const node of [...g.nodes]) {
    if ((node.opType !== 'MatMul' && node.opType !== 'Gemm') || node.domain !== 'ai.onnx') continue;
    const label = node.name || node.outputs[0];
    const w = index.constant(node.inputs[1]);
    if (excluded.has(node.name)) {
      report.skipped.push({ node: label, reason: 'excluded' });
      continue;
    }
    if (w?.type !== 'float32' || w.dims.length !== 2) {
      report.skipped.push({ node: label, reason: 'weight is not a 2-D float32 constant' });
      continue;
    }
    // The reduction axis: K of B [K, N], or of B [N, K] for Gemm with transB.
    const axis = node.opType === 'Gemm' && readAttributes(node, { transB: attr.int(0) }).transB ? 1 : 0;
    const q = quantizeTensor(w, 'int4', axis, blockSize);
    const values = names.fresh(`${node.inputs[1]}_int4`);
    const scale = names.fresh(`${node.inputs[1]}_scale`);
    g.initializers.set(values, q.values);
    g.initializers.set(scale, q.scale);
    const dequantized = names.fresh(`${node.inputs[1]}_dequantized`);
    const dq = makeNode('DequantizeLinear', [values, scale], [dequantized], names.fresh(`${label}_DequantizeLinear`),
      [toAttribute('axis', axis), toAttribute('block_size', blockSize)]);
    g.nodes.splice(g.nodes.indexOf(node), 0, dq);
    node.inputs = [node.inputs[0], dequantized, ...node.inputs.slice(2)];
    report.quantizedNodes.push(label);
    report.tensors.push({ name: node.inputs[1], kind: 'weight', type: 'int4', scales: Array.from(q.scale.data), zeroPoints: [0], error: q.error });
  }
  sortTopologically(g);
  deadCodeElimination.run(new PassContext(out, g, names, { maxFoldBytes: 0, customOp: () => false }));
  if (options.samples?.length) report.outputs = await compareOnSamples(model, out, options.samples);
  return { model: out, report };
}
