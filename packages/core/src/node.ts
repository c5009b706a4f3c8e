/** Node-only helpers: reading models and their external data from the file system. */
import { openSync, readSync, closeSync, fstatSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { loadSource, useFileSystem, type FileSystem } from './files.js';
import type { ExternalDataReader } from './proto/tensor-proto.js';

/** External data must stay inside the model's directory: a location escaping it is refused. */
export function externalDataReader(modelPath: string): ExternalDataReader {
  const base = realpathSync(dirname(resolve(modelPath)));
  return (location, offset, length) => {
    if (isAbsolute(location)) throw new Error(`external data location '${location}' is absolute; only paths relative to the model are allowed`);
    const target = resolve(base, location);
    const real = realpathSync(target);
    const rel = relative(base, real);
    if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
      throw new Error(`external data location '${location}' escapes the model's directory`);
    }
    const fd = openSync(real, 'r');
    try {
      const size = fstatSync(fd).size;
      const n = length ?? size - offset;
      if (offset + n > size) throw new Error(`external data '${location}' has ${size} bytes; offset ${offset} + length ${n} is beyond its end`);
      const out = new Uint8Array(n);
      readSync(fd, out, 0, n, offset);
      return out;
    } finally {
      closeSync(fd);
    }
  };
}

export const nodeFileSystem: FileSystem = {
  async readModelFile(path) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? `no such file: '${path}'` : `cannot read '${path}': ${(e as Error).message}`);
    }
    return { bytes, readExternal: externalDataReader(path) };
  },
};

useFileSystem(nodeFileSystem);

/** Reads and decodes a model file (external data included). */
export function loadModelFile(path: string) {
  return loadSource(path);
}
