/**
 * Shape and type inference over a graph: element types, shapes with symbolic dims, and the contents of small
 * integer tensors (shape vectors), which is what lets shape computations fold on static dims; sequences by what holds
 * for all their elements; small constants (float scales, say) whole to the shape functions. A fact is either right
 * or absent: an op without a shape function, or one whose result depends on data, leaves its outputs unknown.
 * Core holds only the engine and the registry; backends that know ops register their shape functions.
 */
import { attr, readAttributes, type AttrSchema, type AttrValues } from './attributes.js';
import type { DType } from './dtype.js';
import { topologicalOrder } from './graph-analysis.js';
import { describeNode, type Dim, type Graph, type Node, type TypeInfo } from './ir.js';
import { Tensor } from './tensor.js';

export interface ValueFacts {
  type?: DType;
  /** Dims (numbers, symbols, or null where unknown); undefined when even the rank is unknown. */
  shape?: Dim[];
  /** Contents of a small integer tensor of rank 0 or 1, entry by entry (numbers, symbols, or null). */
  value?: Dim[];
  /** Set when the value is a sequence: what holds for every element. Type and shape then stay unset. */
  sequenceOf?: ValueFacts;
}

export type FactMap = Map<string, ValueFacts>;

/** Integer tensors up to this many elements have their contents tracked; constants this small are shown whole. */
export const MAX_TRACKED_VALUES = 64;

/** Facts of a constant tensor. */
export function tensorFacts(t: Tensor): ValueFacts {
  const facts: ValueFacts = { type: t.type, shape: [...t.dims] };
  if ((t.type === 'int64' || t.type === 'int32') && t.dims.length <= 1 && t.size <= MAX_TRACKED_VALUES) {
    facts.value = Array.from(t.data as ArrayLike<number | bigint>, Number);
  }
  return facts;
}

export function typeFacts(t: TypeInfo | undefined): ValueFacts {
  if (t?.kind === 'sequence') return { sequenceOf: typeFacts(t.elem) };
  if (t?.kind !== 'tensor') return {};
  return { type: t.elemType, shape: t.shape ? [...t.shape] : undefined };
}

export function isStatic(dims: readonly Dim[] | undefined): dims is number[] {
  return dims !== undefined && dims.every((d) => typeof d === 'number');
}

/** The element count when every dim is known. */
export function staticSize(dims: readonly Dim[] | undefined): number | undefined {
  return isStatic(dims) ? dims.reduce((a, b) => a * b, 1) : undefined;
}

/** Broadcast of one dim pair: undefined when they certainly conflict. */
function broadcastDim(a: Dim, b: Dim): Dim | undefined {
  if (a === b) return a;
  if (a === 1) return b;
  if (b === 1) return a;
  if (typeof a === 'number' && typeof b === 'number') return undefined;
  if (typeof a === 'number' && a !== 1) return a;
  if (typeof b === 'number' && b !== 1) return b;
  return null;
}

/** Multidirectional broadcast of known-rank shapes; undefined when a rank is unknown or dims conflict. */
export function broadcastDims(shapes: readonly (Dim[] | undefined)[]): Dim[] | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const rank = Math.max(0, ...shapes.map((s) => s!.length));
  const out: Dim[] = new Array(rank).fill(1);
  for (const s of shapes as Dim[][]) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = broadcastDim(out[o], s[i]);
      if (d === undefined) return undefined;
      out[o] = d;
    }
  }
  return out;
}

/** What a shape function sees of a node. */
export interface ShapeContext {
  node: Node;
  opset: number;
  /** Facts of input i ({} when absent or unknown). */
  input(i: number): ValueFacts;
  present(i: number): boolean;
  /** The fully known integer contents of input i. */
  ints(i: number): number[] | undefined;
  /** Input i when it is a constant (an initializer or a Constant node's output) of at most MAX_TRACKED_VALUES elements. */
  constant(i: number): Tensor | undefined;
  attrs<S extends AttrSchema>(schema: S): AttrValues<S>;
}

/** Facts of each output of a node (undefined or {} where unknown); may throw on a node it finds invalid. */
export type ShapeFunction = (c: ShapeContext) => (ValueFacts | undefined)[];

const shapeFunctions = new Map<string, ShapeFunction>();

const registryKey = (domain: string, opType: string): string => `${domain}::${opType}`;

/** Registers shape functions of one domain's ops; registering an op again replaces its function. */
export function registerShapeFunctions(domain: string, functions: Readonly<Record<string, ShapeFunction>>): void {
  for (const [opType, fn] of Object.entries(functions)) shapeFunctions.set(registryKey(domain, opType), fn);
}

export function shapeFunctionFor(domain: string, opType: string): ShapeFunction | undefined {
  return shapeFunctions.get(registryKey(domain, opType));
}

export function hasShapeFunction(node: Node): boolean {
  return shapeFunctions.has(registryKey(node.domain, node.opType));
}

/** Combines an inferred fact with a declared one: inferred dims win, declared ones fill the gaps. */
export function mergeFacts(inferred: ValueFacts | undefined, declared: ValueFacts | undefined): ValueFacts {
  if (!declared) return inferred ?? {};
  if (!inferred) return declared;
  let shape = inferred.shape ?? declared.shape;
  if (inferred.shape && declared.shape && inferred.shape.length === declared.shape.length) {
    shape = inferred.shape.map((d, i) => (d === null ? declared.shape![i] : d));
  }
  const sequenceOf = inferred.sequenceOf && declared.sequenceOf ? mergeFacts(inferred.sequenceOf, declared.sequenceOf) : inferred.sequenceOf ?? declared.sequenceOf;
  const merged: ValueFacts = { type: inferred.type ?? declared.type, shape, value: inferred.value, sequenceOf };
  // Only what is known: a fact's absent fields read as unknown.
  for (const key of Object.keys(merged) as (keyof ValueFacts)[]) if (merged[key] === undefined) delete merged[key];
  return merged;
}

/** Where a node provably produces something other than what the model declares for the value. */
export interface FactConflict {
  value: string;
  node: Node;
  declared: string;
  inferred: string;
}

export interface InferOptions {
  /** Facts visible from enclosing graphs. */
  outer?: FactMap;
  /** Nodes in run order (default: the graph's nodes, topologically sorted). */
  order?: readonly Node[];
  /** Opset imports a node runs under when they differ from the model's (nodes inlined from functions). */
  opsetsOf?: (node: Node) => ReadonlyMap<string, number> | undefined;
  /**
   * Initializers that are also graph inputs count as their stored contents, as a session that does not list them
   * among its inputs runs them; otherwise only their declared type holds, since a feed may replace them.
   */
  defaultsAsConstants?: boolean;
  /** Receives every contradiction between a node's inferred outputs and the declared types. */
  conflicts?: FactConflict[];
}

const formatShape = (shape: readonly Dim[]): string => `[${shape.map((d) => d ?? '?').join(', ')}]`;

/**
 * Contradictions between two facts: different element types (of tensors, or of sequence elements), ranks, or fixed
 * dims. Unknowns never conflict.
 */
function contradiction(inferred: ValueFacts, declared: ValueFacts): [string, string] | undefined {
  if (inferred.type && declared.type && inferred.type !== declared.type) return [declared.type, inferred.type];
  const inferredElem = inferred.sequenceOf?.type;
  const declaredElem = declared.sequenceOf?.type;
  if (inferredElem && declaredElem && inferredElem !== declaredElem) return [`sequence of ${declaredElem}`, `sequence of ${inferredElem}`];
  const a = inferred.shape;
  const d = declared.shape;
  if (!a || !d) return undefined;
  const fixedDiffers = a.some((x, i) => typeof x === 'number' && typeof d[i] === 'number' && x !== d[i]);
  if (a.length !== d.length || fixedDiffers) return [formatShape(d), formatShape(a)];
  return undefined;
}

/**
 * Facts for every value of a graph: inputs and value_info as declared, initializers as stored, node outputs by the
 * shape functions (merged with what value_info declares). Accepts the outer-scope facts directly (as the optimizer
 * passes them) or an options object.
 */
export function inferFacts(graph: Graph, opsets: ReadonlyMap<string, number>, outerOrOptions?: FactMap | InferOptions): FactMap {
  const options: InferOptions = outerOrOptions instanceof Map ? { outer: outerOrOptions } : outerOrOptions ?? {};
  const facts: FactMap = new Map(options.outer);
  const declared = new Map<string, ValueFacts>();
  for (const v of [...graph.valueInfo, ...graph.outputs]) declared.set(v.name, typeFacts(v.type));
  for (const v of graph.inputs) facts.set(v.name, typeFacts(v.type));
  const inputNames = new Set(graph.inputs.map((v) => v.name));
  const constants = new Map<string, Tensor>();
  for (const [name, t] of graph.initializers) {
    if (!options.defaultsAsConstants && inputNames.has(name)) continue;
    facts.set(name, tensorFacts(t));
    if (t.size <= MAX_TRACKED_VALUES) constants.set(name, t);
  }
  let order = options.order;
  if (!order) {
    try {
      const defined = new Set([...facts.keys(), ...graph.sparseInitializers.keys()]);
      order = topologicalOrder(graph, (n) => defined.has(n));
    } catch {
      order = graph.nodes;
    }
  }
  for (const node of order) {
    const inferred = inferNode(node, options.opsetsOf?.(node) ?? opsets, facts, constants);
    const constant = constantOutput(node);
    if (constant) constants.set(node.outputs[0], constant);
    node.outputs.forEach((o, i) => {
      if (!o) return;
      const d = declared.get(o);
      const conflict = inferred[i] && d ? contradiction(inferred[i]!, d) : undefined;
      if (conflict) options.conflicts?.push({ value: o, node, declared: conflict[0], inferred: conflict[1] });
      facts.set(o, mergeFacts(inferred[i], d));
    });
  }
  return facts;
}

/** One line per conflict, for error messages. */
export function describeConflict(c: FactConflict): string {
  return `'${c.value}' is declared ${c.declared} but ${describeNode(c.node)} produces ${c.inferred}`;
}

/** The small tensor a Constant node makes, from its `value` or `value_float(s)` attribute. */
function constantOutput(node: Node): Tensor | undefined {
  if (node.opType !== 'Constant' || node.domain !== 'ai.onnx' || !node.outputs[0]) return undefined;
  try {
    const a = readAttributes(node, { value: attr.tensor(), value_float: attr.float(), value_floats: attr.floats() });
    const floats = a.value_floats ?? (a.value_float === undefined ? undefined : [a.value_float]);
    const t = floats ? new Tensor('float32', Float32Array.from(floats), a.value_floats ? [floats.length] : []) : a.value;
    return t && t.size <= MAX_TRACKED_VALUES ? t : undefined;
  } catch {
    // A malformed Constant fails when it runs, with its own error.
    return undefined;
  }
}

function inferNode(node: Node, opsets: ReadonlyMap<string, number>, facts: FactMap, constants: ReadonlyMap<string, Tensor>): (ValueFacts | undefined)[] {
  const fn = shapeFunctionFor(node.domain, node.opType);
  if (!fn) return [];
  const input = (i: number): ValueFacts => facts.get(node.inputs[i] ?? '') ?? {};
  const ctx: ShapeContext = {
    node,
    opset: opsets.get(node.domain) ?? 1,
    input,
    present: (i) => !!node.inputs[i],
    ints: (i) => {
      const v = input(i).value;
      return v && v.every((d) => typeof d === 'number') ? (v as number[]) : undefined;
    },
    constant: (i) => constants.get(node.inputs[i] ?? ''),
    attrs: (schema) => readAttributes(node, schema),
  };
  try {
    return fn(ctx);
  } catch {
    // A node the shape function finds invalid (bad axis, missing attribute) fails at run time with its own error.
    return [];
  }
}
