/**
 * Declarative attribute reading: a kernel lists its attributes with kinds and defaults, and receives them as a
 * typed object, read once per node when the session is created.
 */
import type { Attribute, AttributeType, Graph, Node, SparseTensor, TypeInfo } from './ir.js';
import { describeNode } from './ir.js';
import type { Tensor } from './tensor.js';

interface KindTypes {
  int: number;
  float: number;
  string: string;
  ints: number[];
  floats: number[];
  strings: string[];
  tensor: Tensor;
  tensors: Tensor[];
  graph: Graph;
  graphs: Graph[];
  sparse_tensor: SparseTensor;
  type_proto: TypeInfo;
}
export type AttrKind = keyof KindTypes;

export interface AttrDecl<K extends AttrKind = AttrKind, T = unknown> {
  kind: K;
  default?: T;
  required?: boolean;
  /** Phantom: the value type the kernel receives. */
  readonly __value?: T;
}

export type AttrSchema = Record<string, AttrDecl>;
export type AttrValues<S extends AttrSchema> = { [K in keyof S]: S[K] extends AttrDecl<AttrKind, infer T> ? T : never };

function declare<K extends AttrKind>(kind: K) {
  function make(): AttrDecl<K, KindTypes[K] | undefined>;
  function make(def: KindTypes[K]): AttrDecl<K, KindTypes[K]>;
  function make(def?: KindTypes[K]): AttrDecl<K, KindTypes[K] | undefined> {
    return { kind, default: def };
  }
  const required = (): AttrDecl<K, KindTypes[K]> => ({ kind, required: true });
  return Object.assign(make, { required });
}

/** Attribute declarations: `attr.int(0)`, `attr.floats()`, `attr.graph.required()`. */
export const attr = {
  int: declare('int'),
  float: declare('float'),
  string: declare('string'),
  ints: declare('ints'),
  floats: declare('floats'),
  strings: declare('strings'),
  tensor: declare('tensor'),
  tensors: declare('tensors'),
  graph: declare('graph'),
  graphs: declare('graphs'),
  sparseTensor: declare('sparse_tensor'),
  typeProto: declare('type_proto'),
};

/** Which stored attribute types satisfy a declared kind (ONNX writers sometimes store an int for a float). */
const ACCEPTS: Record<AttrKind, AttributeType[]> = {
  int: ['int'],
  float: ['float', 'int'],
  string: ['string'],
  ints: ['ints'],
  floats: ['floats', 'ints'],
  strings: ['strings'],
  tensor: ['tensor'],
  tensors: ['tensors'],
  graph: ['graph'],
  graphs: ['graphs'],
  sparse_tensor: ['sparse_tensor'],
  type_proto: ['type_proto'],
};

/** Reads a node's attributes by schema; throws naming the node and attribute when one is missing or mistyped. */
export function readAttributes<S extends AttrSchema>(node: Node, schema: S): AttrValues<S> {
  const out: Record<string, unknown> = {};
  for (const [name, decl] of Object.entries(schema)) {
    const found = node.attributes.find((a: Attribute) => a.name === name);
    if (!found) {
      if (decl.required) throw new Error(`${describeNode(node)}: required attribute '${name}' is missing`);
      out[name] = decl.default;
      continue;
    }
    if (!ACCEPTS[decl.kind].includes(found.type)) {
      throw new Error(`${describeNode(node)}: attribute '${name}' should be ${decl.kind}, got ${found.type}`);
    }
    out[name] = found.value;
  }
  return out as AttrValues<S>;
}
