/**
 * The in-memory model: independent of the protobuf schema it was decoded from. Names are strings; an absent
 * optional node input or output is the empty string, as in ONNX.
 */
import type { DType } from './dtype.js';
import type { Tensor } from './tensor.js';

/** A dimension: a number, a symbolic name, or unknown (null). */
export type Dim = number | string | null;

export type TypeInfo =
  | { kind: 'tensor'; elemType: DType; shape?: Dim[] }
  | { kind: 'sparse_tensor'; elemType: DType; shape?: Dim[] }
  | { kind: 'sequence'; elem: TypeInfo | undefined }
  | { kind: 'map'; keyType: DType; value: TypeInfo | undefined }
  | { kind: 'optional'; elem: TypeInfo | undefined };

export interface ValueInfo {
  name: string;
  type?: TypeInfo;
  docString?: string;
}

export type AttributeType =
  | 'float' | 'int' | 'string' | 'tensor' | 'graph' | 'sparse_tensor' | 'type_proto'
  | 'floats' | 'ints' | 'strings' | 'tensors' | 'graphs' | 'sparse_tensors' | 'type_protos';

export interface SparseTensor {
  values: Tensor;
  indices: Tensor;
  dims: number[];
}

export type AttributeValue =
  | number | string | Tensor | Graph | SparseTensor | TypeInfo
  | number[] | string[] | Tensor[] | Graph[] | SparseTensor[] | TypeInfo[];

export interface Attribute {
  name: string;
  type: AttributeType;
  value: AttributeValue;
  /** Inside a function body: the caller's attribute this one takes its value from. */
  refAttrName?: string;
  docString?: string;
}

export interface Node {
  name: string;
  opType: string;
  /** Normalized: '' and 'ai.onnx' are both 'ai.onnx'. */
  domain: string;
  overload?: string;
  inputs: string[];
  outputs: string[];
  attributes: Attribute[];
  docString?: string;
}

export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Map<string, Tensor>;
  sparseInitializers: Map<string, SparseTensor>;
  valueInfo: ValueInfo[];
  docString?: string;
}

export interface FunctionDef {
  name: string;
  domain: string;
  overload?: string;
  inputs: string[];
  outputs: string[];
  /** Attribute names the function accepts without defaults. */
  attributeNames: string[];
  /** Attributes with default values. */
  attributeDefaults: Attribute[];
  nodes: Node[];
  opsetImports: Map<string, number>;
  valueInfo: ValueInfo[];
  docString?: string;
}

export interface Model {
  irVersion: number;
  /** Domain → opset version; the default domain is 'ai.onnx'. */
  opsetImports: Map<string, number>;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph: Graph;
  functions: FunctionDef[];
  metadata: Map<string, string>;
}

export const DEFAULT_DOMAIN = 'ai.onnx';

export function normalizeDomain(domain: string | undefined | null): string {
  return !domain || domain === 'ai.onnx' ? DEFAULT_DOMAIN : domain;
}

/** The attribute of a node, or undefined. */
export function findAttribute(node: Node, name: string): Attribute | undefined {
  return node.attributes.find((a) => a.name === name);
}

/** Every subgraph held by a node's attributes. */
export function subgraphsOf(node: Node): Graph[] {
  const out: Graph[] = [];
  for (const a of node.attributes) {
    if (a.type === 'graph') out.push(a.value as Graph);
    else if (a.type === 'graphs') out.push(...(a.value as Graph[]));
  }
  return out;
}

export function describeNode(node: Node): string {
  return `${node.opType} node '${node.name || node.outputs[0] || '?'}'`;
}
