/**
 * int8 quantization of Conv and MatMul (Gemm is split into MatMul + Add first), in two modes:
 * - dynamic: weights quantized now (symmetric int8 by default, per tensor or per output channel), activations at
 *   run time with DynamicQuantizeLinear; written as integer ops (MatMulInteger/ConvInteger, format 'qoperator') or
 *   as DequantizeLinear pairs in front of the float ops (format 'qdq').
 * - static: activation ranges from calibration samples; written as QuantizeLinear/DequantizeLinear around the float
 *   ops ('qdq', what onnxruntime fuses) or as QLinearConv/QLinearMatMul ('qoperator').
 */
import { Tensor, attr, readAttributes, toAttribute, type Model, type Node, type Value } from '@onnx-ts/core';
import { GraphIndex, NameScope, makeNode, removeNodes, sortTopologically } from '../graph.js';
import { upgradeOpset } from '../opset.js';
import { optimize } from '../optimize.js';
import { deadCodeElimination } from '../passes/cleanup.js';
import { PassContext } from '../passes/pass.js';
import { inferFacts, type FactMap } from '../shape-inference.js';
import { calibrate, type CalibrationOptions, type TensorRange } from './calibrate.js';
import { paramsForRange, quantizeBias, quantizeTensor, type QuantParams, type QuantType, type QuantizedTensor } from './params.js';
import { compareOnSamples, fakeQuantErrors, type OutputError } from './report.js';

export interface QuantizeOptions {
  mode: 'dynamic' | 'static';
  /** Default: 'qoperator' (integer ops) for dynamic, 'qdq' for static. */
  format?: 'qdq' | 'qoperator';
  /** One scale per output channel of each weight (default per tensor). */
  perChannel?: boolean;
  /** Weights: 'int8' (symmetric, default) or 'uint8' (asymmetric). */
  weightType?: 'int8' | 'uint8';
  /** Static activations: 'uint8' (asymmetric, default) or 'int8' (symmetric). Dynamic ones are always uint8. */
  activationType?: 'uint8' | 'int8';
  /** Input samples: required for static (calibration); for dynamic they only feed the error report. */
  samples?: readonly Record<string, Value>[];
  calibration?: CalibrationOptions;
  /** Op types to quantize (default Conv, MatMul, Gemm). */
  opTypes?: readonly string[];
  /** Node names left in float. */
  excludeNodes?: readonly string[];
}

export interface TensorReport {
  name: string;
  kind: 'weight' | 'activation' | 'bias';
  type: string;
  /** One scale (per tensor) or one per channel. */
  scales: number[];
  zeroPoints: number[];
  /** Relative RMS error of dequantized against float values (weights: their values; activations: on the samples). */
  error?: number;
}

export interface QuantizeReport {
  mode: 'dynamic' | 'static';
  format: 'qdq' | 'qoperator';
  quantizedNodes: string[];
  skipped: { node: string; reason: string }[];
  tensors: TensorReport[];
  /** Output error of the quantized model against the float one, over the samples (reference backend). */
  outputs: OutputError[];
}

/** Opset the quantized graph needs: per-axis QuantizeLinear/DequantizeLinear arrived in 13. */
const QUANT_OPSET = 13;
const DEFAULT_OPS = ['Conv', 'MatMul', 'Gemm'];

interface Candidate {
  node: Node;
  kind: 'Conv' | 'MatMul';
  x: string;
  w: string;
  bias?: string;
  /** Axis of the weight holding output channels. */
  axis: number;
}

/** Gemm(A, B const, C) with transA 0 becomes MatMul(A, alpha·op(B)) + beta·C, so it quantizes as a MatMul. */
function splitGemms(model: Model, names: NameScope): void {
  const g = model.graph;
  const index = new GraphIndex(g);
  for (const node of [...g.nodes]) {
    if (node.opType !== 'Gemm' || node.domain !== 'ai.onnx') continue;
    const a = readAttributes(node, { alpha: attr.float(1), beta: attr.float(1), transA: attr.int(0), transB: attr.int(0) });
    const b = index.constant(node.inputs[1]);
    const c = node.inputs[2] ? index.constant(node.inputs[2]) : undefined;
    if (a.transA || b?.type !== 'float32' || b.dims.length !== 2 || (node.inputs[2] && !c && a.beta !== 1)) continue;
    if (c && c.type !== 'float32') continue;
    const [rows, cols] = b.dims;
    const src = b.data as Float32Array;
    const k = a.transB ? cols : rows;
    const n = a.transB ? rows : cols;
    const w = new Float32Array(k * n);
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) w[i * n + j] = a.alpha * (a.transB ? src[j * cols + i] : src[i * cols + j]);
    const wName = names.fresh(`${node.inputs[1]}_matmul`);
    g.initializers.set(wName, new Tensor('float32', w, [k, n]));
    const matmul = makeNode('MatMul', [node.inputs[0], wName], node.inputs[2] ? [names.fresh(`${node.outputs[0]}_matmul`)] : node.outputs, names.fresh(`${node.name || 'Gemm'}_MatMul`));
    const replacement = [matmul];
    if (node.inputs[2]) {
      let cName = node.inputs[2];
      if (c && a.beta !== 1) {
        cName = names.fresh(`${node.inputs[2]}_scaled`);
        g.initializers.set(cName, new Tensor('float32', (c.data as Float32Array).map((v) => v * a.beta), c.dims));
      }
      replacement.push(makeNode('Add', [matmul.outputs[0], cName], node.outputs, names.fresh(`${node.name || 'Gemm'}_Add`)));
    }
    g.nodes.splice(g.nodes.indexOf(node), 1, ...replacement);
  }
}

function findCandidates(model: Model, facts: FactMap, options: QuantizeOptions, skipped: QuantizeReport['skipped']): Candidate[] {
  const index = new GraphIndex(model.graph);
  const ops = new Set(options.opTypes ?? DEFAULT_OPS);
  const excluded = new Set(options.excludeNodes ?? []);
  const out: Candidate[] = [];
  for (const node of model.graph.nodes) {
    const kind = node.opType === 'Conv' || node.opType === 'MatMul' ? node.opType : undefined;
    if (!kind || node.domain !== 'ai.onnx' || !(ops.has(kind) || (kind === 'MatMul' && ops.has('Gemm')))) continue;
    const label = node.name || node.outputs[0];
    const skip = (reason: string): void => { skipped.push({ node: label, reason }); };
    if (excluded.has(node.name)) {
      skip('excluded');
      continue;
    }
    const [x, w, bias] = node.inputs;
    const weight = index.constant(w);
    const xf = facts.get(x);
    if (weight?.type !== 'float32') {
      skip('weight is not a float32 constant');
      continue;
    }
    if (xf?.type !== 'float32') {
      skip('input is not float32');
      continue;
    }
    if (kind === 'Conv' && weight.dims.length < 3) {
      skip('Conv weight rank below 3');
      continue;
    }
    if (kind === 'MatMul' && (weight.dims.length !== 2 || !xf.shape || xf.shape.length < 2)) {
      skip('MatMul needs a 2-D weight and an input of rank >= 2');
      continue;
    }
    if (bias && index.constant(bias)?.type !== 'float32') {
      skip('bias is not a float32 constant');
      continue;
    }
    out.push({ node, kind, x, w, bias: bias || undefined, axis: kind === 'Conv' ? 0 : 1 });
  }
  return out;
}

function scalarTensor(type: 'float32' | 'uint8' | 'int8', v: number): Tensor {
  if (type === 'float32') return new Tensor('float32', new Float32Array([v]), []);
  return new Tensor(type, type === 'uint8' ? new Uint8Array([v]) : new Int8Array([v]), []);
}

/** Rewrites the candidates of one model; holds the caches shared between nodes reading the same activation. */
class Rewriter {
  readonly report: TensorReport[] = [];
  private readonly g;
  private readonly dynamicInputs = new Map<string, [string, string, string]>();
  private readonly dequantized = new Map<string, string>();
  /** Activation → [quantized value, scale name, zero point name, params]. */
  private readonly quantized = new Map<string, [string, string, string, QuantParams]>();

  constructor(
    private readonly model: Model,
    private readonly names: NameScope,
    private readonly options: QuantizeOptions & { format: 'qdq' | 'qoperator' },
    private readonly ranges: Map<string, TensorRange>,
  ) {
    this.g = model.graph;
  }

  private constant(base: string, t: Tensor): string {
    const name = this.names.fresh(base);
    this.g.initializers.set(name, t);
    return name;
  }

  private node(op: string, inputs: string[], outputs: string[] | number, attrs: Node['attributes'] = []): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, i) => this.names.fresh(`${inputs[0]}_${op.toLowerCase()}${i || ''}`)) : outputs;
    this.g.nodes.push(makeNode(op, inputs, outs, this.names.fresh(`${op}_q`), attrs));
    return outs;
  }

  private get weightType(): QuantType {
    return this.options.weightType ?? 'int8';
  }

  /** The quantized weight as initializers: [values, scale, zero point] names plus the quantization. */
  private weight(c: Candidate): { names: [string, string, string]; q: QuantizedTensor } {
    const t = this.g.initializers.get(c.w)!;
    const q = quantizeTensor(t, this.weightType, this.options.perChannel ? c.axis : undefined);
    this.report.push({
      name: c.w, kind: 'weight', type: this.weightType, scales: Array.from(q.scale.data),
      zeroPoints: Array.from(q.zeroPoint.data as Int8Array, Number), error: q.error,
    });
    return { names: [this.constant(`${c.w}_quantized`, q.values), this.constant(`${c.w}_scale`, q.scale), this.constant(`${c.w}_zero_point`, q.zeroPoint)], q };
  }

  private axisAttr(c: Candidate): Node['attributes'] {
    return this.options.perChannel ? [toAttribute('axis', c.axis)] : [];
  }

  /** DynamicQuantizeLinear of an activation, once per activation. */
  private dynamicQuantized(x: string): [string, string, string] {
    let q = this.dynamicInputs.get(x);
    if (!q) {
      q = this.node('DynamicQuantizeLinear', [x], 3) as [string, string, string];
      this.dynamicInputs.set(x, q);
    }
    return q;
  }

  /** Static quantization of an activation (its range calibrated), once per activation. */
  private staticQuantized(x: string): [string, string, string, QuantParams] {
    let q = this.quantized.get(x);
    if (!q) {
      const type = this.options.activationType ?? 'uint8';
      const p = this.activationParams(x);
      const s = this.constant(`${x}_scale`, scalarTensor('float32', p.scale));
      const z = this.constant(`${x}_zero_point`, scalarTensor(type, p.zeroPoint));
      q = [this.node('QuantizeLinear', [x, s, z], 1)[0], s, z, p];
      this.quantized.set(x, q);
    }
    return q;
  }

  private activationParams(x: string): QuantParams {
    const r = this.ranges.get(x);
    if (!r) throw new Error(`quantize: no calibration range for '${x}'`);
    const type = this.options.activationType ?? 'uint8';
    const p = paramsForRange(r.min, r.max, type);
    if (!this.report.some((t) => t.name === x)) {
      this.report.push({ name: x, kind: 'activation', type, scales: [p.scale], zeroPoints: [p.zeroPoint] });
    }
    return p;
  }

  /** Quantized weight or activation turned back into float by a DequantizeLinear. */
  private dequantize(q: string, s: string, z: string | undefined, attrs: Node['attributes'] = []): string {
    const key = `${q}|${s}|${z}`;
    let out = this.dequantized.get(key);
    if (!out) {
      out = this.node('DequantizeLinear', z ? [q, s, z] : [q, s], 1, attrs)[0];
      this.dequantized.set(key, out);
    }
    return out;
  }

  /** Bias [M] as int32 with scale inputScale·weightScale, dequantized (QDQ) or raw (QLinearConv). */
  private quantizedBias(c: Candidate, inputScale: number, weightScales: Float32Array): { values: string; scale: string } {
    const bias = this.g.initializers.get(c.bias!)!;
    const q = quantizeBias(bias, inputScale, weightScales);
    this.report.push({ name: c.bias!, kind: 'bias', type: 'int32', scales: Array.from(q.scale.data), zeroPoints: [0] });
    return { values: this.constant(`${c.bias}_quantized`, q.values), scale: this.constant(`${c.bias}_scale`, q.scale) };
  }

  rewrite(c: Candidate): void {
    const { node } = c;
    const output = node.outputs[0];
    removeNodes(this.g, [node]);
    if (this.options.mode === 'dynamic') this.rewriteDynamic(c, output);
    else this.rewriteStatic(c, output);
  }

  private rewriteDynamic(c: Candidate, output: string): void {
    const { node } = c;
    const [wq, ws, wz] = this.weight(c).names;
    const [xq, xs, xz] = this.dynamicQuantized(c.x);
    const wzInput = this.weightType === 'uint8' ? [wz] : [];
    // ConvInteger allows one weight zero point per channel, but onnxruntime rejects it: such a Conv is written as QDQ.
    const perChannelZeroPoints = c.kind === 'Conv' && this.options.perChannel && this.weightType === 'uint8';
    if (this.options.format === 'qdq' || perChannelZeroPoints) {
      const x = this.dequantize(xq, xs, xz);
      const w = this.dequantize(wq, ws, wz, this.axisAttr(c));
      this.g.nodes.push({ ...node, inputs: [x, w, ...node.inputs.slice(2)] });
      return;
    }
    const integerOp = c.kind === 'Conv' ? 'ConvInteger' : 'MatMulInteger';
    const attrs = c.kind === 'Conv' ? node.attributes : [];
    const [acc] = this.node(integerOp, [xq, wq, xz, ...wzInput], 1, attrs);
    const [accFloat] = this.node('Cast', [acc], 1, [toAttribute('to', 1)]);
    // Per-channel scales of a Conv broadcast over [M, 1, ...] so they meet the channel axis of [N, M, ...].
    let wScale = ws;
    const wsTensor = this.g.initializers.get(ws)!;
    if (c.kind === 'Conv' && wsTensor.size > 1) {
      const rank = this.g.initializers.get(c.w)!.dims.length;
      wScale = this.constant(`${ws}_channels`, wsTensor.reshape([wsTensor.size, ...new Array(rank - 2).fill(1)]));
    }
    const [scale] = this.node('Mul', [xs, wScale], 1);
    if (!c.bias) {
      this.node('Mul', [accFloat, scale], [output]);
      return;
    }
    const [scaled] = this.node('Mul', [accFloat, scale], 1);
    const bias = this.g.initializers.get(c.bias)!;
    const rank = this.g.initializers.get(c.w)!.dims.length;
    const b = this.constant(`${c.bias}_channels`, bias.reshape([bias.size, ...new Array(rank - 2).fill(1)]));
    this.node('Add', [scaled, b], [output]);
  }

  private rewriteStatic(c: Candidate, output: string): void {
    const { node } = c;
    const { names: [wq, ws, wz], q } = this.weight(c);
    const [xq, xs, xz, xp] = this.staticQuantized(c.x);
    const outType = this.options.activationType ?? 'uint8';
    const yp = this.activationParams(output);
    const ys = this.constant(`${output}_scale`, scalarTensor('float32', yp.scale));
    const yz = this.constant(`${output}_zero_point`, scalarTensor(outType, yp.zeroPoint));
    const bias = c.bias ? this.quantizedBias(c, xp.scale, q.scale.data) : undefined;
    let yq: string;
    if (this.options.format === 'qdq') {
      const x = this.dequantize(xq, xs, xz);
      const w = this.dequantize(wq, ws, wz, this.axisAttr(c));
      const inputs = [x, w];
      if (bias) inputs.push(this.dequantize(bias.values, bias.scale, undefined, [toAttribute('axis', 0)]));
      const y = this.names.fresh(`${output}_float`);
      this.g.nodes.push({ ...node, inputs, outputs: [y] });
      [yq] = this.node('QuantizeLinear', [y, ys, yz], 1);
    } else {
      const op = c.kind === 'Conv' ? 'QLinearConv' : 'QLinearMatMul';
      const inputs = [xq, xs, xz, wq, ws, wz, ys, yz];
      if (bias) inputs.push(bias.values);
      [yq] = this.node(op, inputs, 1, c.kind === 'Conv' ? node.attributes : []);
    }
    this.quantized.set(output, [yq, ys, yz, yp]);
    this.node('DequantizeLinear', [yq, ys, yz], [output]);
  }
}

/** Quantizes a copy of the model; see QuantizeOptions. The model is optimized (extended, standard ops) first. */
export async function quantize(model: Model, options: QuantizeOptions): Promise<{ model: Model; report: QuantizeReport }> {
  if (options.mode !== 'dynamic' && options.mode !== 'static') throw new Error(`quantize: mode must be 'dynamic' or 'static', got '${options.mode}'`);
  const format = options.format ?? (options.mode === 'dynamic' ? 'qoperator' : 'qdq');
  if (format !== 'qdq' && format !== 'qoperator') throw new Error(`quantize: format must be 'qdq' or 'qoperator', got '${format}'`);
  if (options.activationType && !['uint8', 'int8'].includes(options.activationType)) throw new Error(`quantize: activationType must be uint8 or int8, got '${options.activationType}'`);
  if (options.weightType && !['uint8', 'int8'].includes(options.weightType)) throw new Error(`quantize: weightType must be uint8 or int8, got '${options.weightType}'`);
  if (options.mode === 'dynamic' && options.activationType === 'int8') throw new Error('quantize: dynamic quantization quantizes activations to uint8 (DynamicQuantizeLinear); activationType int8 needs mode static');
  if (options.mode === 'static' && !options.samples?.length) throw new Error('quantize: static quantization needs calibration samples');

  const prepared = upgradeOpset(optimize(model, { level: 'extended' }), Math.max(QUANT_OPSET, model.opsetImports.get('ai.onnx') ?? 0));
  const names = new NameScope(prepared);
  splitGemms(prepared, names);
  const facts = inferFacts(prepared.graph, prepared.opsetImports);
  const report: QuantizeReport = { mode: options.mode, format, quantizedNodes: [], skipped: [], tensors: [], outputs: [] };
  const candidates = findCandidates(prepared, facts, options, report.skipped);
  const float: Model = { ...prepared, graph: { ...prepared.graph, nodes: [...prepared.graph.nodes], initializers: new Map(prepared.graph.initializers) } };

  let ranges = new Map<string, TensorRange>();
  if (options.mode === 'static') {
    const wanted = [...new Set(candidates.flatMap((c) => [c.x, c.node.outputs[0]]))];
    ranges = await calibrate(float, options.samples!, wanted, options.calibration);
  }
  const out = prepared;
  const rewriter = new Rewriter(out, names, { ...options, format }, ranges);
  for (const c of candidates) {
    rewriter.rewrite(c);
    report.quantizedNodes.push(c.node.name || c.node.outputs[0]);
  }
  sortTopologically(out.graph);
  const ctx = new PassContext(out, out.graph, names, { maxFoldBytes: 0, customOp: () => false });
  deadCodeElimination.run(ctx);
  report.tensors = rewriter.report;
  if (options.samples?.length) {
    if (options.mode === 'static') {
      const errors = await fakeQuantErrors(float, options.samples, report.tensors, options.activationType ?? 'uint8');
      for (const t of report.tensors) if (errors.has(t.name)) t.error = errors.get(t.name);
    }
    report.outputs = await compareOnSamples(model, out, options.samples);
  }
  return { model: out, report };
}
