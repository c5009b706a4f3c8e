/** Loading a model file for the commands, with errors that name the file. */
import { existsSync, statSync } from 'node:fs';
import type { Model } from '@onnx-ts/core';
import { loadModelFile } from '@onnx-ts/core/node';
import { CliError } from './errors.js';

export async function loadModel(path: string): Promise<Model> {
  if (!existsSync(path)) throw new CliError(`no such file: '${path}'`, 'check the path of the .onnx model');
  if (statSync(path).isDirectory()) throw new CliError(`'${path}' is a directory, not a model file`, 'pass the path of a .onnx file');
  try {
    return await loadModelFile(path);
  } catch (e) {
    const message = (e as Error).message;
    throw new CliError(message.startsWith(path) ? message : `${path}: ${message}`, 'check that the file is an ONNX model (.onnx)', e);
  }
}
