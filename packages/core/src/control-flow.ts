/**
 * If, Loop and Scan: executed by core itself, since they run subgraphs that see the enclosing scope. They are
 * kernels like any other, consulted before every backend.
 */
import { attr } from './attributes.js';
import { allocData, type DType } from './dtype.js';
import type { Graph, TypeInfo } from './ir.js';
import { defineKernel, type KernelContext, type KernelSpec } from './kernel.js';
import { sliceAxis, stackAxis } from './tensor-ops.js';
import { Tensor, describeValue, type Value } from './tensor.js';

function scalarOf(v: Value | undefined, what: string): number | bigint {
  if (!(v instanceof Tensor) || v.size !== 1) throw new Error(`${what} must be a one-element tensor, got ${describeValue(v ?? null)}`);
  return (v.data as ArrayLike<number | bigint>)[0];
}

const If = defineKernel({
  op: 'If',
  since: 1,
  attrs: { then_branch: attr.graph.required(), else_branch: attr.graph.required() },
  run: async ([cond], { then_branch, else_branch }, ctx) => {
    const branch = scalarOf(cond, 'If condition') ? then_branch : else_branch;
    return ctx.runGraph(branch, []);
  },
});

/** An empty [0, ...] tensor for a scan output that no iteration produced, typed from the body's declaration. */
function emptyFor(type: TypeInfo | undefined): Tensor {
  const elemType: DType = type?.kind === 'tensor' ? type.elemType : 'float32';
  const rest = type?.kind === 'tensor' && type.shape ? type.shape.map((d) => (typeof d === 'number' ? d : 0)) : [];
  return new Tensor(elemType, allocData(elemType, 0), [0, ...rest]);
}

const Loop = defineKernel({
  op: 'Loop',
  since: 1,
  attrs: { body: attr.graph.required() },
  run: async (inputs, { body }, ctx) => {
    const [maxTrip, condIn, ...initial] = inputs;
    const carriedCount = initial.length;
    const scanCount = body.outputs.length - 1 - carriedCount;
    if (scanCount < 0) throw new Error(`Loop body has ${body.outputs.length} outputs, needs at least ${1 + carriedCount}`);
    const limit = maxTrip === undefined || maxTrip === null ? Infinity : Number(scalarOf(maxTrip, "Loop input 'M'"));
    let cond = condIn === undefined || condIn === null ? true : Boolean(scalarOf(condIn, "Loop input 'cond'"));
    let carried = initial.map((v) => v ?? null);
    const scans: Value[][] = Array.from({ length: scanCount }, () => []);
    for (let i = 0; i < limit && cond; i++) {
      const iter = new Tensor('int64', new BigInt64Array([BigInt(i)]), []);
      const condTensor = new Tensor('bool', new Uint8Array([1]), []);
      const out = await ctx.runGraph(body, [iter, condTensor, ...carried]);
      cond = Boolean(scalarOf(out[0], 'Loop body condition output'));
      carried = out.slice(1, 1 + carriedCount);
      out.slice(1 + carriedCount).forEach((v, k) => scans[k].push(v));
    }
    const scanOutputs = scans.map((values, k) => {
      if (values.length === 0) return emptyFor(body.outputs[1 + carriedCount + k].type);
      return values.every((v) => v instanceof Tensor) ? stackAxis(values as Tensor[], 0) : values;
    });
    return [...carried, ...scanOutputs];
  },
});

const scanAttrs = {
  body: attr.graph.required(),
  num_scan_inputs: attr.int.required(),
  scan_input_axes: attr.ints(),
  scan_input_directions: attr.ints(),
  scan_output_axes: attr.ints(),
  scan_output_directions: attr.ints(),
  directions: attr.ints(),
};

interface ScanSettings {
  body: Graph;
  numScanInputs: number;
  inputAxes: number[];
  inputReverse: boolean[];
  outputAxes: number[];
  outputReverse: boolean[];
}

/** One scan over states and scan inputs (no batch axis): opset 9+ semantics, also used per batch by opset 8. */
async function scanOnce(states: Value[], scanInputs: Tensor[], s: ScanSettings, ctx: KernelContext, length?: number): Promise<Value[]> {
  const lengths = scanInputs.map((t, j) => t.dims[normalize(s.inputAxes[j], t.dims.length)]);
  const steps = length ?? lengths[0] ?? 0;
  if (lengths.some((l) => l < steps)) throw new Error(`Scan inputs have different lengths along their scan axes: ${lengths.join(', ')}`);
  const numOutputs = s.body.outputs.length - states.length;
  const outputs: Tensor[][] = Array.from({ length: numOutputs }, () => []);
  let current = states;
  for (let t = 0; t < steps; t++) {
    const slices = scanInputs.map((x, j) => {
      const axis = normalize(s.inputAxes[j], x.dims.length);
      return sliceAxis(x, axis, s.inputReverse[j] ? lengths[j] - 1 - t : t);
    });
    const out = await ctx.runGraph(s.body, [...current, ...slices]);
    current = out.slice(0, states.length);
    out.slice(states.length).forEach((v, k) => {
      if (!(v instanceof Tensor)) throw new Error('Scan body scan outputs must be tensors');
      outputs[k].push(v);
    });
  }
  const stacked = outputs.map((parts, k) => {
    if (parts.length === 0) return emptyFor(s.body.outputs[states.length + k].type);
    const axis = normalize(s.outputAxes[k], parts[0].dims.length + 1);
    const ordered = s.outputReverse[k] ? [...parts].reverse() : parts;
    return stackAxis(ordered, axis);
  });
  return [...current, ...stacked];
}

function normalize(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function scanSettings(a: { [K in keyof typeof scanAttrs]: unknown }, numStates: number, defaultAxis: number): ScanSettings {
  const body = a.body as Graph;
  const numScanInputs = a.num_scan_inputs as number;
  const numOutputs = body.outputs.length - numStates;
  const fill = (v: unknown, n: number, d: number): number[] => (v as number[] | undefined) ?? new Array<number>(n).fill(d);
  return {
    body,
    numScanInputs,
    inputAxes: fill(a.scan_input_axes, numScanInputs, defaultAxis),
    inputReverse: fill(a.scan_input_directions ?? a.directions, numScanInputs, 0).map(Boolean),
    outputAxes: fill(a.scan_output_axes, numOutputs, 0),
    outputReverse: fill(a.scan_output_directions, numOutputs, 0).map(Boolean),
  };
}

const Scan8 = defineKernel({
  op: 'Scan',
  since: 8,
  until: 8,
  attrs: scanAttrs,
  run: async ([seqLens, ...rest], a, ctx) => {
    const numScan = a.num_scan_inputs;
    const states = rest.slice(0, rest.length - numScan) as Tensor[];
    const scanInputs = rest.slice(rest.length - numScan) as Tensor[];
    const s = scanSettings(a, states.length, 0);
    const batch = (states[0] ?? scanInputs[0]).dims[0];
    const lens = seqLens instanceof Tensor ? Array.from(seqLens.data as BigInt64Array, Number) : undefined;
    const perBatch: Value[][] = [];
    for (let b = 0; b < batch; b++) {
      const length = lens ? lens[b] : scanInputs[0]?.dims[1];
      perBatch.push(await scanOnce(states.map((t) => sliceAxis(t, 0, b)), scanInputs.map((t) => sliceAxis(t, 0, b)), s, ctx, length));
    }
    return perBatch[0].map((_, k) => stackAxis(perBatch.map((r) => r[k] as Tensor), 0));
  },
});

const Scan9 = defineKernel({
  op: 'Scan',
  since: 9,
  attrs: scanAttrs,
  run: async (inputs, a, ctx) => {
    const numScan = a.num_scan_inputs;
    const states = inputs.slice(0, inputs.length - numScan).map((v) => v ?? null);
    const scanInputs = inputs.slice(inputs.length - numScan) as Tensor[];
    return scanOnce(states, scanInputs, scanSettings(a, states.length, 0), ctx);
  },
});

export const controlFlowKernels: readonly KernelSpec<any>[] = [If, Loop, Scan8, Scan9];
