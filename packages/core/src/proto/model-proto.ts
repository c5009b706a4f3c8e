/** ModelProto ⇄ IR Model. Decoding treats the bytes as untrusted: every problem is an Error naming its place. */
import { dtypeCode, dtypeFromCode } from '../dtype.js';
import type {
  Attribute, AttributeType, AttributeValue, Dim, FunctionDef, Graph, Model, Node, SparseTensor, TypeInfo, ValueInfo,
} from '../ir.js';
import { normalizeDomain } from '../ir.js';
import type { Tensor } from '../tensor.js';
import {
  dimsOf, sparseFromMessage, tensorFromMessage, tensorToMessage, type ExternalDataReader, type SparseTensorMessage,
  type StringEntry, type TensorMessage,
} from './tensor-proto.js';
import { decodeMessage, encodeMessage, longToNumber, type LongLike } from './wire.js';

type Long = LongLike | number;

interface DimensionMessage { dim_value?: Long; dim_param?: string; denotation?: string; value?: string }
interface ShapeMessage { dim?: DimensionMessage[] }
interface TypeMessage {
  tensor_type?: { elem_type?: number; shape?: ShapeMessage };
  sparse_tensor_type?: { elem_type?: number; shape?: ShapeMessage };
  sequence_type?: { elem_type?: TypeMessage };
  map_type?: { key_type?: number; value_type?: TypeMessage };
  optional_type?: { elem_type?: TypeMessage };
  opaque_type?: { domain?: string; name?: string };
  denotation?: string;
}
interface ValueInfoMessage { name?: string; type?: TypeMessage; doc_string?: string }
interface AttributeMessage {
  name?: string; ref_attr_name?: string; doc_string?: string; type?: number;
  f?: number; i?: Long; s?: Uint8Array; t?: TensorMessage; g?: GraphMessage; sparse_tensor?: SparseTensorMessage; tp?: TypeMessage;
  floats?: number[]; ints?: Long[]; strings?: Uint8Array[]; tensors?: TensorMessage[]; graphs?: GraphMessage[];
  sparse_tensors?: SparseTensorMessage[]; type_protos?: TypeMessage[];
}
interface NodeMessage {
  input?: string[]; output?: string[]; name?: string; op_type?: string; domain?: string; overload?: string;
  attribute?: AttributeMessage[]; doc_string?: string;
}
interface GraphMessage {
  node?: NodeMessage[]; name?: string; initializer?: TensorMessage[]; sparse_initializer?: SparseTensorMessage[];
  doc_string?: string; input?: ValueInfoMessage[]; output?: ValueInfoMessage[]; value_info?: ValueInfoMessage[];
}
interface OpsetMessage { domain?: string; version?: Long }
interface FunctionMessage {
  name?: string; input?: string[]; output?: string[]; attribute?: string[]; attribute_proto?: AttributeMessage[];
  node?: NodeMessage[]; doc_string?: string; opset_import?: OpsetMessage[]; domain?: string; overload?: string;
  value_info?: ValueInfoMessage[];
}
interface ModelMessage {
  ir_version?: Long; opset_import?: OpsetMessage[]; producer_name?: string; producer_version?: string; domain?: string;
  model_version?: Long; doc_string?: string; graph?: GraphMessage; metadata_props?: StringEntry[];
  functions?: FunctionMessage[];
}

/** How deeply graphs may nest (If inside Loop inside ...) before a model is refused. */
export const MAX_GRAPH_DEPTH = 64;

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

const ATTRIBUTE_TYPES: Record<number, AttributeType> = {
  1: 'float', 2: 'int', 3: 'string', 4: 'tensor', 5: 'graph', 11: 'sparse_tensor', 13: 'type_proto',
  6: 'floats', 7: 'ints', 8: 'strings', 9: 'tensors', 10: 'graphs', 12: 'sparse_tensors', 14: 'type_protos',
};
const ATTRIBUTE_CODES = Object.fromEntries(Object.entries(ATTRIBUTE_TYPES).map(([k, v]) => [v, Number(k)])) as Record<AttributeType, number>;

class Decoder {
  constructor(private readonly readExternal: ExternalDataReader | undefined) {}

  private elemType(code: number | undefined, where: string) {
    try {
      return dtypeFromCode(code ?? 0);
    } catch {
      throw new Error(`${where}: unknown element type ${code}`);
    }
  }

  typeInfo(m: TypeMessage | undefined, where: string): TypeInfo | undefined {
    if (!m) return undefined;
    const shape = (s: ShapeMessage | undefined): Dim[] | undefined => s?.dim?.map((d) => {
      if (d.dim_param) return d.dim_param;
      if (d.dim_value === undefined || d.dim_value === null) return null;
      const v = longToNumber(d.dim_value);
      if (v < 0) throw new Error(`${where}: negative dimension ${v}`);
      return v;
    });
    if (m.tensor_type) return { kind: 'tensor', elemType: this.elemType(m.tensor_type.elem_type, where), shape: shape(m.tensor_type.shape) };
    if (m.sparse_tensor_type) return { kind: 'sparse_tensor', elemType: this.elemType(m.sparse_tensor_type.elem_type, where), shape: shape(m.sparse_tensor_type.shape) };
    if (m.sequence_type) return { kind: 'sequence', elem: this.typeInfo(m.sequence_type.elem_type, where) };
    if (m.map_type) return { kind: 'map', keyType: this.elemType(m.map_type.key_type, where), value: this.typeInfo(m.map_type.value_type, where) };
    if (m.optional_type) return { kind: 'optional', elem: this.typeInfo(m.optional_type.elem_type, where) };
    return undefined;
  }

  valueInfo(m: ValueInfoMessage, where: string): ValueInfo {
    const name = m.name ?? '';
    const info: ValueInfo = { name, type: this.typeInfo(m.type, `${where} '${name}'`) };
    if (m.doc_string) info.docString = m.doc_string;
    return info;
  }

  tensor(m: TensorMessage): Tensor {
    return tensorFromMessage(m, this.readExternal);
  }

  sparse(m: SparseTensorMessage): SparseTensor {
    return sparseFromMessage(m, this.readExternal);
  }

  attribute(m: AttributeMessage, where: string, depth: number): Attribute {
    const name = m.name ?? '';
    const at = `${where}, attribute '${name}'`;
    const type = ATTRIBUTE_TYPES[m.type ?? 0] ?? inferAttributeType(m);
    if (!type) throw new Error(`${at}: unknown attribute type ${m.type}`);
    const attribute: Attribute = { name, type, value: this.attributeValue(m, type, at, depth) };
    if (m.ref_attr_name) attribute.refAttrName = m.ref_attr_name;
    if (m.doc_string) attribute.docString = m.doc_string;
    return attribute;
  }

  private attributeValue(m: AttributeMessage, type: AttributeType, at: string, depth: number): AttributeValue {
    const need = <T>(v: T | undefined | null): T => {
      if (v === undefined || v === null) {
        if (m.ref_attr_name) return undefined as T;
        throw new Error(`${at}: ${type} value is missing`);
      }
      return v;
    };
    switch (type) {
      case 'float': return m.f ?? 0;
      case 'int': return longToNumber(m.i ?? 0);
      case 'string': return utf8.decode(m.s ?? new Uint8Array());
      case 'tensor': return m.ref_attr_name && !m.t ? (undefined as never) : this.tensor(need(m.t));
      case 'graph': return m.ref_attr_name && !m.g ? (undefined as never) : this.graph(need(m.g), depth + 1);
      case 'sparse_tensor': return this.sparse(need(m.sparse_tensor));
      case 'type_proto': return need(this.typeInfo(m.tp, at));
      case 'floats': return [...(m.floats ?? [])];
      case 'ints': return (m.ints ?? []).map(longToNumber);
      case 'strings': return (m.strings ?? []).map((s) => utf8.decode(s));
      case 'tensors': return (m.tensors ?? []).map((t) => this.tensor(t));
      case 'graphs': return (m.graphs ?? []).map((g) => this.graph(g, depth + 1));
      case 'sparse_tensors': return (m.sparse_tensors ?? []).map((s) => this.sparse(s));
      case 'type_protos': return (m.type_protos ?? []).map((t) => need(this.typeInfo(t, at)));
    }
  }

  node(m: NodeMessage, index: number, graphName: string, depth: number): Node {
    const opType = m.op_type ?? '';
    const name = m.name ?? '';
    const where = `graph '${graphName}', node ${index} (${opType || '?'} '${name}')`;
    if (!opType) throw new Error(`${where}: op_type is missing`);
    const node: Node = {
      name, opType, domain: normalizeDomain(m.domain),
      inputs: [...(m.input ?? [])], outputs: [...(m.output ?? [])],
      attributes: (m.attribute ?? []).map((a) => this.attribute(a, where, depth)),
    };
    if (m.overload) node.overload = m.overload;
    if (m.doc_string) node.docString = m.doc_string;
    return node;
  }

  graph(m: GraphMessage, depth = 0): Graph {
    const name = m.name ?? '';
    if (depth > MAX_GRAPH_DEPTH) throw new Error(`graph '${name}' nests subgraphs deeper than ${MAX_GRAPH_DEPTH} levels`);
    const initializers = new Map<string, Tensor>();
    for (const t of m.initializer ?? []) {
      if (!t.name) throw new Error(`graph '${name}': an initializer has no name`);
      initializers.set(t.name, this.tensor(t));
    }
    const sparseInitializers = new Map<string, SparseTensor>();
    for (const s of m.sparse_initializer ?? []) {
      const sname = s.values?.name ?? '';
      sparseInitializers.set(sname, this.sparse(s));
    }
    const graph: Graph = {
      name,
      nodes: (m.node ?? []).map((n, i) => this.node(n, i, name, depth)),
      inputs: (m.input ?? []).map((v) => this.valueInfo(v, `graph '${name}' input`)),
      outputs: (m.output ?? []).map((v) => this.valueInfo(v, `graph '${name}' output`)),
      initializers,
      sparseInitializers,
      valueInfo: (m.value_info ?? []).map((v) => this.valueInfo(v, `graph '${name}' value_info`)),
    };
    if (m.doc_string) graph.docString = m.doc_string;
    return graph;
  }

  opsets(list: OpsetMessage[] | undefined): Map<string, number> {
    return new Map((list ?? []).map((o) => [normalizeDomain(o.domain), longToNumber(o.version ?? 0)]));
  }

  function(m: FunctionMessage): FunctionDef {
    const name = m.name ?? '';
    const where = `function '${name}'`;
    const f: FunctionDef = {
      name,
      domain: normalizeDomain(m.domain),
      inputs: [...(m.input ?? [])],
      outputs: [...(m.output ?? [])],
      attributeNames: [...(m.attribute ?? [])],
      attributeDefaults: (m.attribute_proto ?? []).map((a) => this.attribute(a, where, 0)),
      nodes: (m.node ?? []).map((n, i) => this.node(n, i, name, 0)),
      opsetImports: this.opsets(m.opset_import),
      valueInfo: (m.value_info ?? []).map((v) => this.valueInfo(v, `${where} value_info`)),
    };
    if (m.overload) f.overload = m.overload;
    if (m.doc_string) f.docString = m.doc_string;
    return f;
  }
}

/** Older writers leave AttributeProto.type unset; the filled field tells. */
function inferAttributeType(m: AttributeMessage): AttributeType | undefined {
  if (m.g) return 'graph';
  if (m.t) return 'tensor';
  if (m.s && m.s.length) return 'string';
  if (m.floats?.length) return 'floats';
  if (m.ints?.length) return 'ints';
  if (m.strings?.length) return 'strings';
  if (m.graphs?.length) return 'graphs';
  if (m.tensors?.length) return 'tensors';
  if (m.i !== undefined && m.i !== null) return 'int';
  if (m.f !== undefined && m.f !== null) return 'float';
  return undefined;
}

export interface DecodeOptions {
  /** Reads external tensor data; given by the Node file loader for models loaded from a path. */
  readExternal?: ExternalDataReader;
}

/** Decodes a serialized ModelProto into the IR. */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): Model {
  if (bytes.length === 0) throw new Error('model is empty (0 bytes)');
  const m = decodeMessage<ModelMessage>('ModelProto', bytes, 'model');
  if (!m.graph) throw new Error('model has no graph (is this an ONNX file?)');
  const irVersion = longToNumber(m.ir_version ?? 0);
  if (irVersion < 1) throw new Error('model has no ir_version (is this an ONNX file?)');
  const d = new Decoder(options.readExternal);
  const opsetImports = d.opsets(m.opset_import);
  // IR version 3+ requires opset imports; older models implicitly use opset 1 of the default domain.
  if (!opsetImports.has('ai.onnx') && irVersion < 3) opsetImports.set('ai.onnx', 1);
  const model: Model = {
    irVersion,
    opsetImports,
    graph: d.graph(m.graph),
    functions: (m.functions ?? []).map((f) => d.function(f)),
    metadata: new Map((m.metadata_props ?? []).map((e) => [e.key, e.value])),
  };
  if (m.producer_name) model.producerName = m.producer_name;
  if (m.producer_version) model.producerVersion = m.producer_version;
  if (m.domain) model.domain = m.domain;
  if (m.model_version !== undefined && m.model_version !== null) model.modelVersion = longToNumber(m.model_version);
  if (m.doc_string) model.docString = m.doc_string;
  return model;
}

// ---- encoding ----

function encodeDomain(domain: string): string {
  return domain === 'ai.onnx' ? '' : domain;
}

function typeToMessage(t: TypeInfo | undefined): TypeMessage | undefined {
  if (!t) return undefined;
  const shape = (dims: Dim[] | undefined): ShapeMessage | undefined => dims && {
    dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : typeof d === 'string' ? { dim_param: d } : {})),
  };
  switch (t.kind) {
    case 'tensor': return { tensor_type: { elem_type: dtypeCode(t.elemType), shape: shape(t.shape) } };
    case 'sparse_tensor': return { sparse_tensor_type: { elem_type: dtypeCode(t.elemType), shape: shape(t.shape) } };
    case 'sequence': return { sequence_type: { elem_type: typeToMessage(t.elem) } };
    case 'map': return { map_type: { key_type: dtypeCode(t.keyType), value_type: typeToMessage(t.value) } };
    case 'optional': return { optional_type: { elem_type: typeToMessage(t.elem) } };
  }
}

function valueInfoToMessage(v: ValueInfo): ValueInfoMessage {
  return { name: v.name, type: typeToMessage(v.type), doc_string: v.docString };
}

function sparseToMessage(s: SparseTensor): SparseTensorMessage {
  return { values: tensorToMessage(s.values), indices: tensorToMessage(s.indices), dims: [...s.dims] };
}

function attributeToMessage(a: Attribute): AttributeMessage {
  const m: AttributeMessage = { name: a.name, type: ATTRIBUTE_CODES[a.type] };
  if (a.refAttrName) m.ref_attr_name = a.refAttrName;
  if (a.docString) m.doc_string = a.docString;
  const v = a.value;
  if (v === undefined) return m;
  switch (a.type) {
    case 'float': m.f = v as number; break;
    case 'int': m.i = v as number; break;
    case 'string': m.s = utf8Encoder.encode(v as string); break;
    case 'tensor': m.t = tensorToMessage(v as Tensor); break;
    case 'graph': m.g = graphToMessage(v as Graph); break;
    case 'sparse_tensor': m.sparse_tensor = sparseToMessage(v as SparseTensor); break;
    case 'type_proto': m.tp = typeToMessage(v as TypeInfo); break;
    case 'floats': m.floats = v as number[]; break;
    case 'ints': m.ints = v as number[]; break;
    case 'strings': m.strings = (v as string[]).map((s) => utf8Encoder.encode(s)); break;
    case 'tensors': m.tensors = (v as Tensor[]).map((t) => tensorToMessage(t)); break;
    case 'graphs': m.graphs = (v as Graph[]).map(graphToMessage); break;
    case 'sparse_tensors': m.sparse_tensors = (v as SparseTensor[]).map(sparseToMessage); break;
    case 'type_protos': m.type_protos = (v as TypeInfo[]).map((t) => typeToMessage(t) as TypeMessage); break;
  }
  return m;
}

function nodeToMessage(n: Node): NodeMessage {
  return {
    input: n.inputs, output: n.outputs, name: n.name || undefined, op_type: n.opType, domain: encodeDomain(n.domain),
    overload: n.overload, attribute: n.attributes.map(attributeToMessage), doc_string: n.docString,
  };
}

function graphToMessage(g: Graph): GraphMessage {
  return {
    node: g.nodes.map(nodeToMessage),
    name: g.name,
    initializer: [...g.initializers].map(([name, t]) => tensorToMessage(t, name)),
    sparse_initializer: [...g.sparseInitializers.values()].map(sparseToMessage),
    doc_string: g.docString,
    input: g.inputs.map(valueInfoToMessage),
    output: g.outputs.map(valueInfoToMessage),
    value_info: g.valueInfo.map(valueInfoToMessage),
  };
}

function opsetsToMessage(opsets: Map<string, number>): OpsetMessage[] {
  return [...opsets].map(([domain, version]) => ({ domain: encodeDomain(domain), version }));
}

/** Serializes a model (the inverse of decodeModel). */
export function saveModel(model: Model): Uint8Array {
  const m: ModelMessage = {
    ir_version: model.irVersion,
    opset_import: opsetsToMessage(model.opsetImports),
    producer_name: model.producerName,
    producer_version: model.producerVersion,
    domain: model.domain,
    model_version: model.modelVersion,
    doc_string: model.docString,
    graph: graphToMessage(model.graph),
    metadata_props: [...model.metadata].map(([key, value]) => ({ key, value })),
    functions: model.functions.map((f) => ({
      name: f.name, input: f.inputs, output: f.outputs, attribute: f.attributeNames,
      attribute_proto: f.attributeDefaults.map(attributeToMessage), node: f.nodes.map(nodeToMessage),
      doc_string: f.docString, opset_import: opsetsToMessage(f.opsetImports), domain: encodeDomain(f.domain),
      overload: f.overload, value_info: f.valueInfo.map(valueInfoToMessage),
    })),
  };
  return encodeMessage('ModelProto', m);
}

export { dimsOf };
