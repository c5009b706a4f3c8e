/** Describing values for people (statistics, a few elements) and converting them to and from JSON. */
import { Tensor, allocData, decodeFloatCode, isBigIntType, isDType, isEncodedFloat, type DType, type Value } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '@onnx-ts/backend-cpu-ref';
import { CliError } from './errors.js';
import { formatDims, formatNumber } from './format.js';
import { valueStats, type ValueStats } from './stats.js';

const NON_NUMERIC: ReadonlySet<DType> = new Set(['string', 'complex64', 'complex128']);

/** The elements of a numeric tensor as numbers; undefined for strings and complex numbers. */
export function numericData(t: Tensor): Float64Array | undefined {
  return NON_NUMERIC.has(t.type) ? undefined : toNumbers(t);
}

export function tensorStats(t: Tensor): ValueStats | undefined {
  const values = numericData(t);
  return values && values.length ? valueStats(values) : undefined;
}

export function formatStats(s: ValueStats): string {
  const nan = s.nanCount ? `  NaN ${s.nanCount}` : '';
  return `min ${formatNumber(s.min)}  max ${formatNumber(s.max)}  mean ${formatNumber(s.mean)}  std ${formatNumber(s.std)}${nan}`;
}

/** The first `limit` elements, e.g. "[0.1, 0.2, …] (10 elements)". */
export function previewElements(t: Tensor, limit = 8): string {
  const numbers = numericData(t);
  const shown: string[] = [];
  for (let i = 0; i < Math.min(limit, t.size); i++) {
    if (numbers) shown.push(formatNumber(numbers[i]));
    else if (t.type === 'string') shown.push(JSON.stringify((t.data as string[])[i]));
    else {
      const d = t.data as Float32Array | Float64Array;
      shown.push(`${formatNumber(d[2 * i])}${d[2 * i + 1] < 0 ? '-' : '+'}${formatNumber(Math.abs(d[2 * i + 1]))}i`);
    }
  }
  return `[${shown.join(', ')}${t.size > limit ? ', …' : ''}]`;
}

/** A value in a few lines: kind, element type, shape, statistics and its first elements. */
export function describeValueLines(name: string, v: Value, indent = ''): string[] {
  if (v === null) return [`${indent}${name}: empty optional`];
  if (Array.isArray(v)) {
    return [`${indent}${name}: sequence of ${v.length}`, ...v.slice(0, 4).flatMap((item, i) => describeValueLines(`[${i}]`, item, `${indent}  `))];
  }
  if (v instanceof Map) {
    const keys = [...v.keys()].slice(0, 8).map(String).join(', ');
    return [`${indent}${name}: map of ${v.size} (keys ${keys}${v.size > 8 ? ', …' : ''})`];
  }
  const stats = tensorStats(v);
  return [
    `${indent}${name}: ${v.type} ${formatDims(v.dims)}${stats ? `  ${formatStats(stats)}` : ''}`,
    `${indent}  ${previewElements(v)}`,
  ];
}

type JsonNumber = number | string;
export type TensorJson = { type: DType; dims: number[]; data: (JsonNumber | boolean | [number, number])[] };
export type ValueJson = TensorJson | { type: 'sequence'; items: ValueJson[] } | { type: 'map'; entries: [string | number, unknown][] } | { type: 'optional'; value: null };

/** JSON has no NaN, infinities or bigints: those become the strings "NaN", "Infinity", "-Infinity" and decimal strings. */
function jsonNumber(x: number): JsonNumber {
  return Number.isFinite(x) ? x : String(x);
}

export function valueToJson(v: Value): ValueJson {
  if (v === null) return { type: 'optional', value: null };
  if (Array.isArray(v)) return { type: 'sequence', items: v.map(valueToJson) };
  if (v instanceof Map) {
    return {
      type: 'map',
      entries: [...v].map(([k, x]) => [typeof k === 'bigint' ? Number(k) : k, x instanceof Tensor || Array.isArray(x) || x instanceof Map ? valueToJson(x as Value) : x]),
    };
  }
  const dims = [...v.dims];
  const { type } = v;
  if (type === 'string') return { type, dims, data: [...(v.data as string[])] };
  if (type === 'bool') return { type, dims, data: Array.from(v.data as Uint8Array, (b) => b !== 0) };
  if (type === 'complex64' || type === 'complex128') {
    const d = v.data as Float32Array | Float64Array;
    return { type, dims, data: Array.from({ length: v.size }, (_, i) => [d[2 * i], d[2 * i + 1]] as [number, number]) };
  }
  if (isBigIntType(type)) {
    return { type, dims, data: Array.from(v.data as BigInt64Array, (b) => (Number.isSafeInteger(Number(b)) ? Number(b) : b.toString())) };
  }
  if (isEncodedFloat(type)) return { type, dims, data: Array.from(v.data as Uint16Array, (c) => jsonNumber(decodeFloatCode(type, c))) };
  return { type, dims, data: Array.from(v.data as ArrayLike<number>, jsonNumber) };
}

/** Flattens a nested JSON array, checking it is rectangular; returns the elements and the dims. */
function flattenNested(value: unknown, what: string): { elements: unknown[]; dims: number[] } {
  if (!Array.isArray(value)) return { elements: [value], dims: [] };
  if (!value.length) return { elements: [], dims: [0] };
  const parts = value.map((item) => flattenNested(item, what));
  const inner = parts[0].dims;
  for (const [i, p] of parts.entries()) {
    if (p.dims.join(',') !== inner.join(',')) {
      throw new CliError(`${what}: nested arrays are not rectangular (item ${i} has shape ${formatDims(p.dims)}, item 0 has ${formatDims(inner)})`);
    }
  }
  return { elements: parts.flatMap((p) => p.elements), dims: [value.length, ...inner] };
}

function jsonToNumber(x: unknown, what: string): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x === 'string' && /^(-?Infinity|NaN|[-+0-9.eE]+)$/.test(x)) return Number(x);
  throw new CliError(`${what}: expected a number, got ${JSON.stringify(x)}`);
}

/**
 * A tensor from JSON: either `{ "type"?, "dims"?, "data" }` (the form `run --json` prints) or a nested array.
 * The element type defaults to `declared` (the model's input type).
 */
export function tensorFromJson(json: unknown, declared: DType | undefined, what: string): Tensor {
  const isObject = typeof json === 'object' && json !== null && !Array.isArray(json);
  const obj = isObject ? (json as { type?: unknown; dims?: unknown; data?: unknown }) : undefined;
  if (obj && !('data' in obj)) throw new CliError(`${what}: a JSON object input needs a "data" field (and optionally "type" and "dims")`);
  const type = obj?.type ?? declared ?? 'float32';
  if (!isDType(type)) throw new CliError(`${what}: unknown element type ${JSON.stringify(type)}`);
  const nested = flattenNested(obj ? obj.data : json, what);
  const dims = obj?.dims === undefined ? nested.dims : obj.dims;
  if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new CliError(`${what}: "dims" must be an array of non-negative integers, got ${JSON.stringify(dims)}`);
  }
  const count = dims.reduce((a: number, b: number) => a * b, 1);
  if (count !== nested.elements.length) {
    throw new CliError(`${what}: ${nested.elements.length} elements do not fill dims ${formatDims(dims)} (${count} needed)`);
  }
  if (type === 'string') return new Tensor('string', nested.elements.map(String), dims);
  if (type === 'complex64' || type === 'complex128') throw new CliError(`${what}: complex inputs are read from .pb or .npy files, not JSON`);
  if (isBigIntType(type)) {
    const data = allocData(type, count);
    nested.elements.forEach((x, i) => {
      try {
        data[i] = BigInt(typeof x === 'boolean' ? Number(x) : (x as number | string));
      } catch {
        throw new CliError(`${what}: element ${i} (${JSON.stringify(x)}) is not an integer`);
      }
    });
    return new Tensor(type, data, dims);
  }
  return fromNumbers(type, nested.elements.map((x, i) => jsonToNumber(x, `${what} element ${i}`)), dims);
}
