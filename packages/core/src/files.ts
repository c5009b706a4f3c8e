/**
 * Getting model bytes from a path or URL. Core stays free of Node built-ins: the Node entry installs a file system
 * through `useFileSystem`; without one, string sources are fetched as URLs.
 */
import type { Model } from './ir.js';
import { decodeModel } from './proto/model-proto.js';
import type { ExternalDataReader } from './proto/tensor-proto.js';

export type ModelSource = string | Uint8Array | ArrayBuffer;

export interface FileSystem {
  /** Reads a model file and returns a reader for its external data (relative to the model's directory). */
  readModelFile(path: string): Promise<{ bytes: Uint8Array; readExternal: ExternalDataReader }>;
}

let fileSystem: FileSystem | undefined;

export function useFileSystem(fs: FileSystem): void {
  fileSystem = fs;
}

export async function loadSource(source: ModelSource): Promise<Model> {
  if (source instanceof Uint8Array) return decodeModel(source);
  if (source instanceof ArrayBuffer) return decodeModel(new Uint8Array(source));
  if (typeof source !== 'string') throw new Error(`cannot load a model from ${typeof source}: pass a path, URL, Uint8Array or ArrayBuffer`);
  if (fileSystem && !/^(https?|blob|data):/.test(source)) {
    const { bytes, readExternal } = await fileSystem.readModelFile(source);
    try {
      return decodeModel(bytes, { readExternal });
    } catch (e) {
      throw new Error(`${source}: ${(e as Error).message}`, { cause: e });
    }
  }
  const response = await fetch(source);
  if (!response.ok) throw new Error(`cannot fetch model '${source}': HTTP ${response.status}`);
  return decodeModel(new Uint8Array(await response.arrayBuffer()));
}
