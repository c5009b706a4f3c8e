/** Feeds for a model: read from files (--input name=file) or generated from a seeded generator, symbolic dims set by --dim. */
import { readFileSync, existsSync } from 'node:fs';
import { extname } from 'node:path';
import { Tensor, allocData, decodeValue, type Dim, type ProtoKind, type Value, type ValueMetadata } from '@onnx-ts/core';
import { fromNumbers } from '@onnx-ts/backend-cpu-ref';
import { CliError } from './errors.js';
import { formatDims } from './format.js';
import { parseNpy } from './npy.js';
import { seededRandom } from './random.js';
import { tensorFromJson } from './values.js';

export interface InputOptions {
  /** 'name=file' or, for a one-input model, just 'file'. */
  input?: string[];
  /** 'name=value' for symbolic dims. */
  dim?: string[];
  seed?: string;
}

export interface Feeds {
  feeds: Record<string, Value>;
  /** How each input was obtained, for the report: a file name or 'random'. */
  sources: Record<string, string>;
  /** Names of the inputs that were generated. */
  generated: string[];
}

/**
 * Runs `work`; when it fails and some inputs were generated, the error gets a hint that random values may be what a
 * kernel rejected (indices out of range, a zero divisor, bytes that are not an image).
 */
export async function hintRandomInputs<T>(feeds: Feeds, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!feeds.generated.length || e instanceof CliError) throw e;
    const names = feeds.generated.join(', ');
    throw new CliError((e as Error).message, `${names} ${feeds.generated.length > 1 ? 'were' : 'was'} random; pass real values with --input NAME=FILE`, e);
  }
}

/** Collects a repeatable option into a list (commander's custom option processing). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** 'a=b' pairs; `what` names the option for errors. */
export function parseAssignment(text: string, what: string): [string, string] {
  const at = text.lastIndexOf('=');
  if (at <= 0) throw new CliError(`${what} '${text}' is not of the form name=value`);
  return [text.slice(0, at), text.slice(at + 1)];
}

function protoKind(meta: ValueMetadata): ProtoKind {
  const kind = meta.typeInfo?.kind;
  return kind === 'sequence' || kind === 'map' || kind === 'optional' ? kind : 'tensor';
}

/** Reads one input value from a .pb (TensorProto or the container the input's type calls for), .npy or .json file. */
export function readInputFile(file: string, meta: ValueMetadata): Value {
  if (!existsSync(file)) throw new CliError(`no such file: '${file}'`, `--input ${meta.name}=FILE takes a .pb, .npy or .json file`);
  const bytes = new Uint8Array(readFileSync(file));
  switch (extname(file).toLowerCase()) {
    case '.pb': return decodeValue(bytes, protoKind(meta), file);
    case '.npy': return parseNpy(bytes, file);
    case '.json': {
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(bytes));
      } catch (e) {
        throw new CliError(`${file}: invalid JSON (${(e as Error).message})`);
      }
      return tensorFromJson(json, meta.type, file);
    }
    default:
      throw new CliError(`cannot read input file '${file}': expected a .pb, .npy or .json file`);
  }
}

/** Concrete dims: fixed dims as declared, symbolic ones from --dim (default 1), unknown ones 1. */
export function concreteDims(shape: readonly Dim[], symbols: ReadonlyMap<string, number>): number[] {
  return shape.map((d) => (typeof d === 'number' ? d : d === null ? 1 : symbols.get(d) ?? 1));
}

/** Uniform values in [0, 1) for floats, small integers in [0, 4) for integer types (valid as indices of most axes). */
export function randomTensor(meta: ValueMetadata, dims: number[], random: () => number): Tensor {
  const type = meta.type ?? 'float32';
  const count = dims.reduce((a, b) => a * b, 1);
  if (type === 'string') return new Tensor('string', Array.from({ length: count }, () => `s${Math.floor(random() * 4)}`), dims);
  if (type === 'complex64' || type === 'complex128') {
    const data = allocData(type, count);
    for (let i = 0; i < data.length; i++) data[i] = random();
    return new Tensor(type, data, dims);
  }
  const isFloat = type.startsWith('float') || type === 'bfloat16';
  const values = Float64Array.from({ length: count }, () => (isFloat ? random() : Math.floor(random() * (type === 'bool' ? 2 : 4))));
  return fromNumbers(type, values, dims);
}

function symbolicNames(metadata: readonly ValueMetadata[]): Set<string> {
  return new Set(metadata.flatMap((m) => (m.shape ?? []).filter((d): d is string => typeof d === 'string')));
}

export function parseDims(dim: readonly string[] | undefined, metadata: readonly ValueMetadata[]): Map<string, number> {
  const known = symbolicNames(metadata);
  const symbols = new Map<string, number>();
  for (const text of dim ?? []) {
    const [name, value] = parseAssignment(text, '--dim');
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new CliError(`--dim ${name}=${value}: the value must be a non-negative integer`);
    if (!known.has(name)) {
      throw new CliError(`--dim ${name}: the model's inputs have no symbolic dim '${name}'`, `symbolic dims: ${[...known].join(', ') || 'none'}`);
    }
    symbols.set(name, n);
  }
  return symbols;
}

/** Builds the feeds for a session's inputs; files named by --input win, the rest are random with a fixed seed. */
export function buildFeeds(metadata: readonly ValueMetadata[], options: InputOptions): Feeds {
  const byName = new Map(metadata.map((m) => [m.name, m]));
  const files = new Map<string, string>();
  for (const text of options.input ?? []) {
    if (!text.includes('=')) {
      if (metadata.length !== 1) {
        throw new CliError(`--input ${text}: the model has ${metadata.length} inputs, so name one (--input NAME=FILE)`, `inputs: ${metadata.map((m) => m.name).join(', ')}`);
      }
      files.set(metadata[0].name, text);
      continue;
    }
    const [name, file] = parseAssignment(text, '--input');
    if (!byName.has(name)) {
      throw new CliError(`--input ${name}: the model has no input '${name}'`, `inputs: ${metadata.map((m) => m.name).join(', ') || 'none'}`);
    }
    files.set(name, file);
  }
  const symbols = parseDims(options.dim, metadata);
  const seed = Number(options.seed ?? 1);
  if (!Number.isInteger(seed)) throw new CliError(`--seed ${options.seed}: expected an integer`);
  const random = seededRandom(seed);
  const feeds: Record<string, Value> = {};
  const sources: Record<string, string> = {};
  const generated: string[] = [];
  for (const meta of metadata) {
    const file = files.get(meta.name);
    if (file) {
      feeds[meta.name] = readInputFile(file, meta);
      sources[meta.name] = file;
      continue;
    }
    if (meta.typeInfo?.kind === 'optional') {
      feeds[meta.name] = null;
      sources[meta.name] = 'empty optional (pass --input to give it a value)';
      continue;
    }
    if (!meta.isTensor) {
      throw new CliError(`input '${meta.name}' is not a tensor, so it cannot be generated`, `pass it with --input ${meta.name}=FILE.pb`);
    }
    if (!meta.shape) {
      throw new CliError(`input '${meta.name}' has no declared shape, so it cannot be generated`, `pass it with --input ${meta.name}=FILE`);
    }
    const dims = concreteDims(meta.shape, symbols);
    feeds[meta.name] = randomTensor(meta, dims, random);
    generated.push(meta.name);
    sources[meta.name] = `random (seed ${seed}) ${formatDims(dims)}`;
  }
  return { feeds, sources, generated };
}
