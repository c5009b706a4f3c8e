/**
 * Raising a model's default-domain opset, for rewrites that need newer ops (per-axis QuantizeLinear needs 13,
 * int4 DequantizeLinear with block_size needs 21). Ops whose semantics did not change keep their nodes; ops whose
 * attributes became inputs are rewritten; anything else stops the upgrade with an Error naming the op.
 */
import { Tensor, attr, readAttributes, toAttribute, type Graph, type Model, type Node } from '@onnx-ts/core';
import { makeNode, NameScope } from './graph.js';
import { inferFacts, type FactMap } from './shape-inference.js';

/** Ops whose behaviour (for the attributes and inputs a model of opset 7 or later can hold) is the same up to 23. */
const UNCHANGED = new Set([
  'Abs', 'Acos', 'Acosh', 'Add', 'And', 'ArgMax', 'ArgMin', 'Asin', 'Asinh', 'Atan', 'Atanh', 'AveragePool', 'Cast',
  'Ceil', 'Concat', 'Constant', 'ConstantOfShape', 'Conv', 'ConvInteger', 'ConvTranspose', 'Cos', 'Cosh', 'CumSum',
  'DepthToSpace', 'DequantizeLinear', 'Div', 'DynamicQuantizeLinear', 'Einsum', 'Elu', 'Equal', 'Erf', 'Exp', 'Expand',
  'Flatten', 'Floor', 'Gather', 'GatherElements', 'GatherND', 'Gelu', 'Gemm', 'GlobalAveragePool', 'GlobalLpPool',
  'GlobalMaxPool', 'Greater', 'GreaterOrEqual', 'HardSigmoid', 'HardSwish', 'Identity', 'InstanceNormalization',
  'IsInf', 'IsNaN', 'LRN', 'LayerNormalization', 'LeakyRelu', 'Less', 'LessOrEqual', 'Log', 'LpNormalization',
  'MatMul', 'MatMulInteger', 'Max', 'MaxPool', 'Mean', 'Min', 'Mish', 'Mod', 'Mul', 'Neg', 'NonZero', 'Not', 'OneHot',
  'Or', 'PRelu', 'Pow', 'QLinearConv', 'QLinearMatMul', 'QuantizeLinear', 'Range', 'Reciprocal', 'Relu', 'Reshape',
  'Round', 'ScatterElements', 'ScatterND', 'Selu', 'Shape', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Size', 'Softplus',
  'Softsign', 'SpaceToDepth', 'Sqrt', 'Sub', 'Sum', 'Tan', 'Tanh', 'ThresholdedRelu', 'Tile', 'Transpose', 'Trilu',
  'Where', 'Xor', 'BatchNormalization',
]);

const REDUCE_AXES_INPUT_FROM: Record<string, number> = {
  ReduceSum: 13, ReduceMean: 18, ReduceMax: 18, ReduceMin: 18, ReduceProd: 18, ReduceL1: 18, ReduceL2: 18,
  ReduceLogSum: 18, ReduceLogSumExp: 18, ReduceSumSquare: 18,
};

/** The IR version a model importing `opset` of the default domain should declare at least. */
export function irVersionForOpset(opset: number): number {
  if (opset >= 21) return 10;
  if (opset >= 19) return 9;
  if (opset >= 15) return 8;
  if (opset >= 13) return 7;
  if (opset >= 11) return 6;
  if (opset >= 10) return 5;
  return 4;
}

interface Upgrade {
  from: number;
  to: number;
  names: NameScope;
  facts: FactMap;
  graph: Graph;
}

function int64Const(u: Upgrade, base: string, values: readonly number[]): string {
  const name = u.names.fresh(base);
  u.graph.initializers.set(name, new Tensor('int64', BigInt64Array.from(values, BigInt), [values.length]));
  return name;
}

function floatConst(u: Upgrade, base: string, value: number): string {
  const name = u.names.fresh(base);
  u.graph.initializers.set(name, new Tensor('float32', new Float32Array([value]), []));
  return name;
}

const without = (node: Node, ...names: string[]): Node => ({ ...node, attributes: node.attributes.filter((a) => !names.includes(a.name)) });

/** The nodes replacing `node` at the new opset (the node itself when nothing changes). */
function upgradeNode(u: Upgrade, node: Node): Node[] {
  const crosses = (at: number): boolean => u.from < at && u.to >= at;
  const op = node.opType;
  if (op in REDUCE_AXES_INPUT_FROM) {
    if (!crosses(REDUCE_AXES_INPUT_FROM[op])) return [node];
    const { axes } = readAttributes(node, { axes: attr.ints() });
    return [{ ...without(node, 'axes'), inputs: axes ? [node.inputs[0], int64Const(u, `${node.name || op}_axes`, axes)] : [node.inputs[0]] }];
  }
  switch (op) {
    case 'Unsqueeze': case 'Squeeze': {
      if (!crosses(13)) return [node];
      const { axes } = readAttributes(node, { axes: attr.ints() });
      return [{ ...without(node, 'axes'), inputs: axes ? [node.inputs[0], int64Const(u, `${node.name || op}_axes`, axes)] : [node.inputs[0]] }];
    }
    case 'Softmax': case 'LogSoftmax': case 'Hardmax': {
      if (!crosses(13)) return [node];
      // Before 13: the input is flattened to 2-D at `axis` (default 1) and normalized over the second dim.
      const rank = u.facts.get(node.inputs[0])?.shape?.length;
      const { axis } = readAttributes(node, { axis: attr.int(1) });
      if (rank !== undefined && (axis === rank - 1 || axis === -1)) return [{ ...without(node, 'axis'), attributes: [toAttribute('axis', -1)] }];
      const base = node.name || op;
      const shape = u.names.fresh(`${base}_shape`);
      const flat = u.names.fresh(`${base}_flat`);
      const normalized = u.names.fresh(`${base}_2d`);
      return [
        makeNode('Shape', [node.inputs[0]], [shape], u.names.fresh(`${base}_Shape`)),
        makeNode('Flatten', [node.inputs[0]], [flat], u.names.fresh(`${base}_Flatten`), [toAttribute('axis', axis)]),
        { ...node, inputs: [flat], outputs: [normalized], attributes: [toAttribute('axis', -1)] },
        makeNode('Reshape', [normalized, shape], node.outputs, u.names.fresh(`${base}_Reshape`)),
      ];
    }
    case 'Clip': {
      if (!crosses(11)) return [node];
      const a = readAttributes(node, { min: attr.float(), max: attr.float() });
      const inputs = [node.inputs[0], a.min === undefined ? '' : floatConst(u, `${node.name || op}_min`, a.min)];
      if (a.max !== undefined) inputs.push(floatConst(u, `${node.name || op}_max`, a.max));
      return [{ ...without(node, 'min', 'max'), inputs }];
    }
    case 'Dropout': {
      if (!crosses(12)) return [node];
      const { ratio } = readAttributes(node, { ratio: attr.float(0.5) });
      return [{ ...without(node, 'ratio', 'is_test'), inputs: [node.inputs[0], floatConst(u, `${node.name || op}_ratio`, ratio)] }];
    }
    case 'Split': {
      let n = node;
      if (crosses(13)) {
        const { split } = readAttributes(node, { split: attr.ints() });
        n = { ...without(node, 'split'), inputs: split ? [node.inputs[0], int64Const(u, `${node.name || op}_split`, split)] : [node.inputs[0]] };
      }
      if (crosses(18) && !n.inputs[1]) n = { ...n, attributes: [...n.attributes, toAttribute('num_outputs', n.outputs.length)] };
      return [n];
    }
    case 'Pad': {
      if (!crosses(11)) return [node];
      const a = readAttributes(node, { pads: attr.ints.required(), value: attr.float(0), mode: attr.string('constant') });
      const value = u.facts.get(node.inputs[0])?.type === 'float32' ? floatConst(u, `${node.name || op}_value`, a.value) : undefined;
      if (a.value !== 0 && !value) break;
      const inputs = [node.inputs[0], int64Const(u, `${node.name || op}_pads`, a.pads), ...(value ? [value] : [])];
      return [{ ...without(node, 'pads', 'value'), inputs }];
    }
    case 'Slice': {
      if (!crosses(10)) return [node];
      const a = readAttributes(node, { starts: attr.ints.required(), ends: attr.ints.required(), axes: attr.ints() });
      const base = node.name || op;
      const inputs = [node.inputs[0], int64Const(u, `${base}_starts`, a.starts), int64Const(u, `${base}_ends`, a.ends)];
      if (a.axes) inputs.push(int64Const(u, `${base}_axes`, a.axes));
      return [{ ...without(node, 'starts', 'ends', 'axes'), inputs }];
    }
    case 'TopK': {
      if (!crosses(10)) return [node];
      const { k } = readAttributes(node, { k: attr.int.required() });
      return [{ ...without(node, 'k'), inputs: [node.inputs[0], int64Const(u, `${node.name || op}_k`, [k])] }];
    }
    default:
      if (UNCHANGED.has(op)) {
        if (op === 'BatchNormalization' && u.from < 9 && readAttributes(node, { spatial: attr.int(1) }).spatial !== 1) break;
        return [op === 'BatchNormalization' ? without(node, 'spatial', 'is_test', 'consumed_inputs') : node];
      }
  }
  throw new Error(`cannot raise the opset from ${u.from} to ${u.to}: no upgrade for ${op} node '${node.name || node.outputs[0]}'`);
}

/**
 * A copy of the model importing default-domain opset `target` (at least its current one). Throws, naming the op,
 * when a node cannot be carried over; graphs with subgraphs (If/Loop/Scan) are not upgraded.
 */
export function upgradeOpset(model: Model, target: number): Model {
  const from = model.opsetImports.get('ai.onnx') ?? 1;
  if (from >= target) return model;
  if (from < 7) throw new Error(`cannot raise the opset from ${from}: models older than opset 7 are not upgraded`);
  const graph: Graph = { ...model.graph, nodes: [], initializers: new Map(model.graph.initializers) };
  const u: Upgrade = { from, to: target, names: new NameScope(model), facts: inferFacts(model.graph, model.opsetImports), graph };
  for (const node of model.graph.nodes) {
    if (node.attributes.some((a) => a.type === 'graph' || a.type === 'graphs')) {
      throw new Error(`cannot raise the opset from ${from} to ${target}: ${node.opType} node '${node.name}' has subgraphs`);
    }
    graph.nodes.push(...(node.domain === 'ai.onnx' ? upgradeNode(u, node) : [node]));
  }
  const opsetImports = new Map(model.opsetImports);
  opsetImports.set('ai.onnx', target);
  return { ...model, graph, opsetImports, irVersion: Math.max(model.irVersion, irVersionForOpset(target)) };
}

