/** Building models in code: the CLI's demo model, optimizer rewrites and tests use it. */
import type { DType } from './dtype.js';
import type { Attribute, AttributeValue, Dim, Graph, Model, Node, TypeInfo, ValueInfo } from './ir.js';
import { normalizeDomain } from './ir.js';
import { Tensor } from './tensor.js';

/** Marks a whole number that must be stored as a float attribute. */
export class FloatAttr {
  constructor(readonly value: number) {}
}

export type BuilderAttr = number | string | number[] | string[] | Tensor | Tensor[] | Graph | Graph[] | FloatAttr | TypeInfo;

/** ONNX attribute (type and value) for a plain JS value: whole numbers are ints, use FloatAttr for a whole float. */
export function toAttribute(name: string, v: BuilderAttr): Attribute {
  const make = (type: Attribute['type'], value: AttributeValue): Attribute => ({ name, type, value });
  if (v instanceof FloatAttr) return make('float', v.value);
  if (typeof v === 'number') return make(Number.isInteger(v) ? 'int' : 'float', v);
  if (typeof v === 'string') return make('string', v);
  if (v instanceof Tensor) return make('tensor', v);
  if (Array.isArray(v)) {
    if (v.length && v[0] instanceof Tensor) return make('tensors', v as Tensor[]);
    if (v.length && typeof v[0] === 'object') return make('graphs', v as Graph[]);
    if (v.length && typeof v[0] === 'string') return make('strings', v as string[]);
    const nums = v as number[];
    return make(nums.every(Number.isInteger) ? 'ints' : 'floats', nums);
  }
  if ('nodes' in v) return make('graph', v);
  return make('type_proto', v);
}

export function tensorType(elemType: DType, shape?: Dim[]): TypeInfo {
  return { kind: 'tensor', elemType, shape };
}

export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly initializers = new Map<string, Tensor>();
  private counter = 0;

  constructor(readonly name = 'graph') {}

  input(name: string, type: TypeInfo | DType, shape?: Dim[]): string {
    this.inputs.push({ name, type: typeof type === 'string' ? tensorType(type, shape) : type });
    return name;
  }

  initializer(name: string, value: Tensor): string {
    this.initializers.set(name, value);
    return name;
  }

  /** Adds a node; returns its output names (`outputs` is a count or the names to use). */
  node(opType: string, inputs: string[], attrs: Record<string, BuilderAttr> = {}, options: { outputs?: number | string[]; domain?: string; name?: string } = {}): string[] {
    const id = this.counter++;
    const outputs = Array.isArray(options.outputs)
      ? options.outputs
      : Array.from({ length: options.outputs ?? 1 }, (_, i) => `${opType.toLowerCase()}_${id}${i ? `_${i}` : ''}`);
    this.nodes.push({
      name: options.name ?? `${opType}_${id}`,
      opType,
      domain: normalizeDomain(options.domain),
      inputs,
      outputs,
      attributes: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    });
    return outputs;
  }

  /** Shorthand for a one-output node. */
  op(opType: string, inputs: string[], attrs: Record<string, BuilderAttr> = {}, domain?: string): string {
    return this.node(opType, inputs, attrs, { domain })[0];
  }

  output(name: string, type?: TypeInfo | DType, shape?: Dim[]): void {
    this.outputs.push({ name, type: typeof type === 'string' ? tensorType(type, shape) : type });
  }

  build(): Graph {
    return {
      name: this.name, nodes: [...this.nodes], inputs: [...this.inputs], outputs: [...this.outputs],
      initializers: new Map(this.initializers), sparseInitializers: new Map(), valueInfo: [],
    };
  }
}

/** Wraps a graph into a model importing the given opsets (default domain opset 21). */
export function buildModel(graph: Graph, opsets: Record<string, number> = { 'ai.onnx': 21 }, irVersion = 10): Model {
  return {
    irVersion,
    opsetImports: new Map(Object.entries(opsets).map(([d, v]) => [normalizeDomain(d), v])),
    producerName: 'onnx-ts',
    graph,
    functions: [],
    metadata: new Map(),
  };
}
