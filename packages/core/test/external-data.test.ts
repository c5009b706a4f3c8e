import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, buildModel, saveModel } from '../src/index.node.js';
import { loadModelFile } from '../src/node.js';

/** A model whose initializer 'w' lives in weights.bin at `offset`, referenced as `location`. */
function externalModel(dir: string, location: string, values: number[], offset = 0): string {
  const raw = new Uint8Array(Float32Array.from(values).buffer);
  const padded = new Uint8Array(offset + raw.length);
  padded.set(raw, offset);
  writeFileSync(join(dir, 'weights.bin'), padded);
  const g = new GraphBuilder('ext');
  g.input('x', 'float32', [values.length]);
  g.output('w');
  const path = join(dir, 'model.onnx');
  writeFileSync(path, withExternalInitializer(saveModel(buildModel(g.build())), location, values.length, offset, raw.length));
  return path;
}

/** Appends an external-data initializer (GraphProto field 5) to the model's graph (ModelProto field 7). */
function withExternalInitializer(modelBytes: Uint8Array, location: string, count: number, offset: number, length: number): Uint8Array {
  const enc = new TextEncoder();
  const varint = (n: number): number[] => { const out: number[] = []; while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7; } out.push(n); return out; };
  const field = (no: number, payload: number[]): number[] => [(no << 3) | 2, ...varint(payload.length), ...payload];
  const str = (s: string): number[] => [...enc.encode(s)];
  const entry = (k: string, v: string): number[] => field(13, [...field(1, str(k)), ...field(2, str(v))]);
  const tensor = [0x08, ...varint(count), 0x10, 1, ...field(8, str('w')), ...entry('location', location), ...entry('offset', String(offset)), ...entry('length', String(length)), 0x70, 1];
  // Find the graph field and splice the initializer into it.
  let i = 0;
  const out: number[] = [];
  while (i < modelBytes.length) {
    const tag = modelBytes[i];
    let j = i + 1;
    let len = 0;
    let shift = 0;
    const wire = tag & 7;
    if (wire === 0) { while (modelBytes[j++] & 0x80); out.push(...modelBytes.subarray(i, j)); i = j; continue; }
    while (true) { const b = modelBytes[j++]; len |= (b & 0x7f) << shift; shift += 7; if (!(b & 0x80)) break; }
    const body = [...modelBytes.subarray(j, j + len)];
    if (tag >> 3 === 7) out.push(...field(7, [...body, ...field(5, tensor)]));
    else out.push(...modelBytes.subarray(i, j + len));
    i = j + len;
  }
  return new Uint8Array(out);
}

test('initializers stored in external files are read relative to the model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-ts-ext-'));
  const path = externalModel(dir, 'weights.bin', [1.5, -2, 3], 8);
  const model = await loadModelFile(path);
  const w = model.graph.initializers.get('w');
  assert.ok(w);
  assert.equal([...(w!.data as Float32Array)], [1.5, -2, 3]);
});

test('external data paths escaping the model folder are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-ts-ext-'));
  mkdirSync(join(dir, 'inner'));
  writeFileSync(join(dir, 'secret.bin'), new Uint8Array(12));
  const path = externalModel(join(dir, 'inner'), '../secret.bin', [1, 2, 3]);
  try {
    await loadModelFile(path);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /escapes the model's directory/);
  }
  const abs = externalModel(join(dir, 'inner'), '/etc/hostname', [1, 2, 3]);
  try {
    await loadModelFile(abs);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /is absolute/);
  }
});

test('a missing model file is a one-line error', async () => {
  try {
    await loadModelFile('/nonexistent/model.onnx');
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /no such file: '\/nonexistent\/model.onnx'/);
  }
});

test.run();
