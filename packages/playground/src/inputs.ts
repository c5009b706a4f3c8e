/** Values to feed a model: generated in the declared shape, or read from an uploaded .pb or .npy file. */
import {
  FLOAT_DTYPES, Tensor, allocData, decodeValue, isEncodedFloat, shapeSize, type Dim, type DType, type ProtoKind,
  type Value, type ValueMetadata,
} from '@onnx-ts/core';
import { fromNumbers } from '@onnx-ts/backend-cpu-ref';
import { parseNpy } from '@onnx-ts/cli/lib';

/** 'arange' is the ONNX light models' input: element i of n is i/n for float types (i for integer types). */
export type GeneratedMode = 'random' | 'arange' | 'zeros';
export type InputMode = GeneratedMode | 'file';

export const INPUT_MODES: readonly InputMode[] = ['random', 'arange', 'zeros', 'file'];

/** Symbolic dim names the inputs declare, in order of first use. */
export function symbolicDims(metadata: readonly ValueMetadata[]): string[] {
  const names = new Set<string>();
  for (const m of metadata) for (const d of m.shape ?? []) if (typeof d === 'string') names.add(d);
  return [...names];
}

/** Fixed dims as declared; symbolic ones from `symbols`, unknown ones 1. */
export function concreteDims(shape: readonly Dim[], symbols: ReadonlyMap<string, number>): number[] {
  return shape.map((d) => (typeof d === 'number' ? d : d === null ? 1 : symbols.get(d) ?? 1));
}

function isFloatLike(type: DType): boolean {
  return FLOAT_DTYPES.includes(type) || isEncodedFloat(type);
}

/**
 * A tensor of the input's element type in `dims`. Random values are uniform in [0, 1) for floats and in [0, 4) for
 * integers (small enough to be valid indices along most axes), 0 or 1 for bool.
 */
export function generateInput(meta: ValueMetadata, dims: number[], mode: GeneratedMode, random: () => number): Tensor {
  const type = meta.type;
  if (!meta.isTensor || !type) throw new Error(`input '${meta.name}' is not a tensor, so it cannot be generated: upload it as a .pb file`);
  const count = shapeSize(dims);
  const float = isFloatLike(type) || type === 'complex64' || type === 'complex128';
  const valueAt = (i: number, n: number): number => {
    if (mode === 'zeros') return 0;
    if (mode === 'arange') return float ? i / n : i;
    if (float) return random();
    return Math.floor(random() * (type === 'bool' ? 2 : 4));
  };
  if (type === 'string') return new Tensor('string', Array.from({ length: count }, (_, i) => String(valueAt(i, count))), dims);
  if (type === 'complex64' || type === 'complex128') {
    // Interleaved (re, im) pairs: every slot is generated, so arange runs over 2n slots.
    const data = allocData(type, count);
    for (let i = 0; i < data.length; i++) data[i] = valueAt(i, data.length);
    return new Tensor(type, data, dims);
  }
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = valueAt(i, count);
  return fromNumbers(type, values, dims);
}

function protoKind(meta: ValueMetadata): ProtoKind {
  const kind = meta.typeInfo?.kind;
  return kind === 'sequence' || kind === 'map' || kind === 'optional' ? kind : 'tensor';
}

/** Reads an input from a .pb file (TensorProto, or the Sequence/Map/OptionalProto its type calls for) or a .npy file. */
export function readInputFile(name: string, bytes: Uint8Array, meta: ValueMetadata): Value {
  const lower = name.toLowerCase();
  if (lower.endsWith('.pb')) return decodeValue(bytes, protoKind(meta), name);
  if (lower.endsWith('.npy')) return parseNpy(bytes, name);
  throw new Error(`input '${meta.name}': cannot read '${name}', expected a .pb (TensorProto) or .npy file`);
}
