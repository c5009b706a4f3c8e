/** Running the built `onnx-ts` binary in tests, and finding the ONNX test data. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Tensor, decodeModel, decodeValue, type Model } from '@onnx-ts/core';
import { findDataRoot } from '@onnx-ts/conformance';

const here = dirname(fileURLToPath(import.meta.url));
export const CLI = resolve(here, '../dist/index.js');
export const BENCH_LIGHT = resolve(here, '../dist/bench-light.js');
export const FIXTURES = resolve(here, 'fixtures');

export const DATA = findDataRoot();
export const LIGHT = join(DATA, 'light');
export const NODE_TESTS = join(DATA, 'node');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a built entry with `node`. NODE_OPTIONS is cleared so the child resolves the workspace packages to their
 * built dist, as an installed CLI would, rather than to the TypeScript sources the test runner uses.
 */
export function runNode(entry: string, args: readonly string[], options: { preload?: string; timeoutMs?: number } = {}): CliResult {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (cd /work/main && pnpm --filter @onnx-ts/cli... build)`);
  const nodeArgs = options.preload ? ['--import', pathToFileURL(options.preload).href] : [];
  const r = spawnSync(process.execPath, [...nodeArgs, entry, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: options.timeoutMs ?? 120_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function onnxTs(args: readonly string[], options: { preload?: string; timeoutMs?: number } = {}): CliResult {
  return runNode(CLI, args, options);
}

/** Parses stdout as JSON, failing with the command's stderr when it is not. */
export function jsonOf(r: CliResult): any {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.status}): ${r.stdout.slice(0, 300)}\nstderr: ${r.stderr.slice(0, 600)}`);
  }
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'onnx-ts-cli-'));
}

export function readModel(path: string): Model {
  return decodeModel(new Uint8Array(readFileSync(path)));
}

export function readTensor(path: string): Tensor {
  return decodeValue(new Uint8Array(readFileSync(path)), 'tensor', path) as Tensor;
}

/** A tensor from the `{type, dims, data}` JSON the CLI prints (numbers, "NaN"/"Infinity" strings, booleans). */
export function tensorFromOutputJson(json: { type: string; dims: number[]; data: unknown[] }): Tensor {
  const { type, dims, data } = json;
  switch (type) {
    case 'float32': return new Tensor('float32', Float32Array.from(data, Number), dims);
    case 'float64': return new Tensor('float64', Float64Array.from(data, Number), dims);
    case 'int64': return new Tensor('int64', BigInt64Array.from(data, (x) => BigInt(x as number)), dims);
    case 'int32': return new Tensor('int32', Int32Array.from(data, Number), dims);
    case 'bool': return new Tensor('bool', Uint8Array.from(data, (x) => (x ? 1 : 0)), dims);
    default: throw new Error(`test helper: no conversion for ${type}`);
  }
}

/** A .npy file (format version 1.0) of float32 elements in C order, written from the format's description. */
export function npyFloat32(values: Float32Array, dims: readonly number[]): Uint8Array {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  // Magic (6) + version (2) + length (2) + header + '\n' must be a multiple of 64.
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + values.byteLength);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 10 + header.length);
  return out;
}
