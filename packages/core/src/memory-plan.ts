/**
 * Memory planning from inferred shapes: the peak of the bytes live node outputs hold, walked in the executor's step
 * order with its value lifetimes, and the tensor-size limit enforced before anything is allocated (at session creation
 * for static shapes, before a run for shapes whose symbols the feeds bind).
 */
import { bitsPerElement, type DType } from './dtype.js';
import { describeNode, type Dim, type Node } from './ir.js';
import type { FactMap } from './shape-inference.js';

export interface MemoryPlan {
  /**
   * Most bytes the statically sized outputs of the main graph's nodes hold at once. An upper bound for those values:
   * each output counts as its own buffer, even where a kernel passes its input through.
   */
  peakBytes: number;
  /** Node outputs (main graph) whose size depends on the feeds or on data, so it is only known at run time. */
  dynamicValues: readonly string[];
}

/** A step of the executor's schedule: the node and the values dead after it. */
export interface ScheduledStep {
  node: Node;
  frees: readonly string[];
}

/** A node output whose shape is known up to the symbols the feeds bind. */
export interface SymbolicTensor {
  value: string;
  node: Node;
  type: DType;
  shape: readonly Dim[];
}

/** Bytes of a tensor, rounded up as allocation does (sub-byte types pack, the rest take at least a byte). */
function tensorBytes(type: DType, count: number): number {
  return Math.ceil((count * Math.max(bitsPerElement(type), 8)) / 8);
}

function limitError(value: string, node: Node, type: DType, dims: readonly number[], bytes: number, maxBytes: number, when: string): Error {
  return new Error(
    `${when}: '${value}' (output of ${describeNode(node)}) is a ${type} tensor [${dims.join(', ')}] of ${bytes} bytes, ` +
      `which exceeds the session limit maxTensorBytes=${maxBytes}`,
  );
}

/**
 * Walks the schedule: each step's outputs become live, then the values it frees die. Throws when a statically
 * sized output exceeds `maxBytes`. Returns the plan and the outputs whose size the feeds' symbols decide.
 */
export function planMemory(steps: readonly ScheduledStep[], facts: FactMap, maxBytes: number): { plan: MemoryPlan; symbolic: SymbolicTensor[] } {
  const sizes = new Map<string, number>();
  const dynamicValues: string[] = [];
  const symbolic: SymbolicTensor[] = [];
  let live = 0;
  let peakBytes = 0;
  for (const { node, frees } of steps) {
    for (const name of node.outputs) {
      if (!name) continue;
      const { type, shape } = facts.get(name) ?? {};
      const known = type !== undefined && type !== 'string' && shape !== undefined;
      // A negative dim (a node fed bad values) is left to fail when it runs, with its own error.
      if (known && shape.every((d) => typeof d === 'number' && d >= 0)) {
        const dims = shape as number[];
        const bytes = tensorBytes(type, dims.reduce((a, b) => a * b, 1));
        if (bytes > maxBytes) throw limitError(name, node, type, dims, bytes, maxBytes, 'session creation');
        sizes.set(name, bytes);
        live += bytes;
        continue;
      }
      dynamicValues.push(name);
      if (known && shape.every((d) => d !== null)) symbolic.push({ value: name, node, type, shape });
    }
    peakBytes = Math.max(peakBytes, live);
    for (const name of frees) live -= sizes.get(name) ?? 0;
  }
  return { plan: { peakBytes, dynamicValues }, symbolic };
}

/** Before a run: the outputs whose symbols the feeds bound must fit `maxBytes` too. */
export function checkSymbolicSizes(tensors: readonly SymbolicTensor[], symbols: ReadonlyMap<string, number>, maxBytes: number): void {
  for (const t of tensors) {
    const dims = t.shape.map((d) => (typeof d === 'string' ? symbols.get(d) : d));
    if (!dims.every((d): d is number => d !== undefined && d !== null)) continue;
    const bytes = tensorBytes(t.type, dims.reduce((a, b) => a * b, 1));
    if (bytes > maxBytes) throw limitError(t.value, t.node, t.type, dims, bytes, maxBytes, 'run()');
  }
}
