/**
 * Finding ONNX backend test cases on disk and reading their data. A case is a model plus data sets of input and
 * expected output values, decoded by the graph's declared types (tensor, sequence, map or optional).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { Tensor, decodeModel, decodeValue, type Graph, type Model, type ProtoKind, type TypeInfo, type Value } from '@onnx-ts/core';

export interface Tolerance {
  rtol: number;
  atol: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-3, atol: 1e-7 };

export interface DataSet {
  inputs: Value[];
  outputs: Value[];
}

export interface TestCase {
  /** 'node', 'simple', 'pytorch-converted', 'pytorch-operator', 'light', or the folder's name. */
  suite: string;
  name: string;
  modelPath: string;
  tolerance: Tolerance;
  /** Reads the model and its data sets. */
  load(): { model: Model; bytes: Uint8Array; dataSets: DataSet[] };
}

/** Where the test data is: --data, then ONNX_TEST_DATA, then ../shared, then an installed onnx package or Debian's. */
export function findDataRoot(explicit?: string): string {
  const candidates: (string | undefined)[] = [explicit, process.env.ONNX_TEST_DATA];
  for (const c of candidates) {
    if (c) {
      if (!existsSync(c)) throw new Error(`test data directory '${c}' does not exist`);
      return resolve(c);
    }
  }
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const shared = join(dir, '..', 'shared', 'onnx-backend-test-data');
    if (existsSync(shared)) return resolve(shared);
    if (dirname(dir) === dir) break;
  }
  const fromPython = onnxPackageData();
  if (fromPython) return fromPython;
  const debian = '/usr/share/libonnx-testdata/data';
  if (existsSync(debian)) return debian;
  throw new Error('no ONNX test data found: pass --data DIR or set ONNX_TEST_DATA (see the README)');
}

function onnxPackageData(): string | undefined {
  try {
    const out = execFileSync('python3', ['-c', 'import onnx, os; print(os.path.dirname(onnx.__file__))'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    const dir = join(out.toString().trim(), 'backend', 'test', 'data');
    return existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/** Every case under `dir`: a data root (node/, simple/, ...), one suite folder, or one test folder. */
export function discoverCases(dir: string): TestCase[] {
  const root = resolve(dir);
  if (existsSync(join(root, 'model.onnx'))) return [directoryCase(basename(dirname(root)), root)];
  const entries = readdirSync(root).sort();
  if (entries.some((e) => e.startsWith('light_') && e.endsWith('.onnx'))) return lightCases(root);
  const testDirs = entries.filter((e) => e.startsWith('test_') && existsSync(join(root, e, 'model.onnx')));
  if (testDirs.length) return testDirs.map((e) => directoryCase(basename(root), join(root, e)));
  const cases: TestCase[] = [];
  for (const e of entries) if (isDir(join(root, e)) && e !== 'real') cases.push(...discoverCases(join(root, e)));
  return cases;
}

/** Rebuilds a case from what a worker is sent: its suite, name and model path. */
export function reopenCase(suite: string, name: string, modelPath: string): TestCase {
  if (basename(modelPath) === 'model.onnx') return directoryCase(suite, dirname(modelPath));
  const found = lightCases(dirname(modelPath)).find((c) => c.name === name);
  if (!found) throw new Error(`test case '${name}' not found beside ${modelPath}`);
  return found;
}

/** The element kind a .pb file holds for a declared type. */
function protoKind(type: TypeInfo | undefined): ProtoKind {
  switch (type?.kind) {
    case 'sequence': return 'sequence';
    case 'map': return 'map';
    case 'optional': return 'optional';
    default: return 'tensor';
  }
}

function feedInputs(graph: Graph) {
  const init = new Set(graph.initializers.keys());
  return graph.inputs.filter((v) => !init.has(v.name));
}

function directoryCase(suite: string, dir: string): TestCase {
  return {
    suite,
    name: basename(dir),
    modelPath: join(dir, 'model.onnx'),
    tolerance: DEFAULT_TOLERANCE,
    load() {
      const bytes = new Uint8Array(readFileSync(this.modelPath));
      const model = decodeModel(bytes);
      const inputs = feedInputs(model.graph);
      const sets = readdirSync(dir).filter((e) => e.startsWith('test_data_set_')).sort();
      const dataSets = sets.map((set) => {
        const read = (prefix: string, infos: { type?: TypeInfo }[]) => {
          const files = readdirSync(join(dir, set)).filter((f) => f.startsWith(prefix) && f.endsWith('.pb'));
          const count = files.length;
          return Array.from({ length: count }, (_, i) => {
            const file = join(dir, set, `${prefix}${i}.pb`);
            return decodeValue(new Uint8Array(readFileSync(file)), protoKind(infos[i]?.type), file);
          });
        };
        return { inputs: read('input_', inputs), outputs: read('output_', model.graph.outputs) };
      });
      return { model, bytes, dataSets };
    },
  };
}

/** Light models: input arange(n)/n in the declared shape, expected output beside the model, tolerances in real/. */
function lightCases(dir: string): TestCase[] {
  return readdirSync(dir).filter((e) => e.startsWith('light_') && e.endsWith('.onnx')).sort().map((file) => {
    const stem = file.slice('light_'.length, -'.onnx'.length);
    const tolerance = { ...DEFAULT_TOLERANCE };
    const dataJson = join(dir, '..', 'real', `test_${stem}`, 'data.json');
    if (existsSync(dataJson)) {
      const d = JSON.parse(readFileSync(dataJson, 'utf8')) as Partial<Tolerance>;
      if (typeof d.rtol === 'number') tolerance.rtol = d.rtol;
      if (typeof d.atol === 'number') tolerance.atol = d.atol;
    }
    return {
      suite: 'light',
      name: `test_${stem}`,
      modelPath: join(dir, file),
      tolerance,
      load() {
        const bytes = new Uint8Array(readFileSync(this.modelPath));
        const model = decodeModel(bytes);
        const inputs = feedInputs(model.graph).map((info) => {
          if (info.type?.kind !== 'tensor' || !info.type.shape) throw new Error(`light model input '${info.name}' has no static shape`);
          const dims = info.type.shape.map((d) => (typeof d === 'number' ? d : 1));
          const n = dims.reduce((a, b) => a * b, 1);
          return new Tensor('float32', Float32Array.from({ length: n }, (_, i) => i / n), dims);
        });
        const expected = decodeValue(new Uint8Array(readFileSync(join(dir, `light_${stem}_output_0.pb`))), 'tensor');
        return { model, bytes, dataSets: [{ inputs, outputs: [expected] }] };
      },
    };
  });
}

/** Op types a model uses, including inside subgraphs, as 'Op' or 'domain.Op'. */
export function opTypesOf(model: Model): string[] {
  const ops = new Set<string>();
  const visit = (g: Graph): void => {
    for (const n of g.nodes) {
      ops.add(n.domain === 'ai.onnx' ? n.opType : `${n.domain}.${n.opType}`);
      for (const a of n.attributes) {
        if (a.type === 'graph') visit(a.value as Graph);
        if (a.type === 'graphs') (a.value as Graph[]).forEach(visit);
      }
    }
  };
  visit(model.graph);
  for (const f of model.functions) for (const n of f.nodes) ops.add(n.domain === 'ai.onnx' ? n.opType : `${n.domain}.${n.opType}`);
  return [...ops].sort();
}
