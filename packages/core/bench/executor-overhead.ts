/**
 * `pnpm --filter @onnx-ts/core bench [--nodes N] [--runs N] [--only REGEX] [--profile]`: what the executor and
 * session.run() cost per node outside the kernels. Runs graphs of many cheap nodes over 4-element tensors: a chain of
 * unary nodes, a chain of Adds of an initializer, and a wide DAG (layers of 8 binary nodes, each value read twice,
 * like the concatenations of DenseNet) on fixture backends whose kernels only wrap a shared buffer in a new Tensor
 * (one keeps its outputs in its own memory and reads CPU inputs in place, as the accelerated cpu backend does), then
 * the same graphs on cpu-ref when its source sits next to core (imported by path: core cannot depend on it). A
 * one-node graph shows the fixed cost of a run. Prints, per graph, the median over runs of process CPU time and wall
 * time divided by the node count, and the mean CPU time (which, unlike the median, includes the garbage collections
 * the runs cause).
 */
import { parseArgs } from 'node:util';
import { GraphBuilder, InferenceSession, Tensor, buildModel, defineKernel, registerBackend, type Backend, type Model, type SessionOptions } from '../src/index.node.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '100' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const nodeCount = Number(values.nodes);
const runs = Number(values.runs);
if (!Number.isInteger(nodeCount) || nodeCount < 8) throw new Error(`--nodes ${values.nodes}: expected an integer >= 8`);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: expected an integer >= 1`);
const only = values.only ? new RegExp(values.only) : undefined;
const WIDTH = 8;
const DIMS = [1, 4];

const shared = new Float32Array(4);

/** A backend whose Relu and Add only wrap the shared buffer in a new tensor made by `make`. */
function fixtureBackend(name: string, make: () => Tensor, memory?: Pick<Backend, 'location' | 'upload' | 'download'>): Backend {
  const kernels = ['Relu', 'Add'].map((op) => defineKernel({ op, since: 1, dtypes: ['float32'], run: () => [make()] }));
  return { name, priority: -1, isAvailable: () => true, kernels, ...memory };
}
registerBackend(fixtureBackend('bench-fixture', () => new Tensor('float32', shared, DIMS)));
// Like the accelerated cpu backend: outputs stay in the backend's own memory, CPU inputs (weights) are read in place.
const RESIDENT = 'bench-memory';
const residentAccess = { download: async () => new Tensor('float32', shared, DIMS) };
const resident = (): Tensor => Tensor.onDevice('float32', DIMS, RESIDENT, shared, residentAccess);
registerBackend(fixtureBackend('bench-resident', resident, { location: RESIDENT, upload: (t) => t, download: (t) => new Tensor('float32', shared, t.dims) }));

/** cpu-ref registers itself when imported; absent when this package is used outside the monorepo. */
async function importCpuRef(): Promise<boolean> {
  const path = '../../backend-cpu-ref/src/index.js';
  try {
    await import(path);
    return true;
  } catch {
    return false;
  }
}

function chainModel(n: number): Model {
  const g = new GraphBuilder('chain');
  let x = g.input('x', 'float32', DIMS);
  for (let i = 0; i < n; i++) x = g.op('Relu', [x]);
  g.output(x, 'float32', DIMS);
  return buildModel(g.build(), { '': 13 });
}

/** A chain of Adds of the same initializer, as a network's layers read their weights. */
function weightedModel(n: number): Model {
  const g = new GraphBuilder('weighted');
  let x = g.input('x', 'float32', DIMS);
  const w = g.initializer('w', new Tensor('float32', new Float32Array(4), DIMS));
  for (let i = 0; i < n; i++) x = g.op('Add', [x, w]);
  g.output(x, 'float32', DIMS);
  return buildModel(g.build(), { '': 13 });
}

/** Layers of WIDTH nodes; node i of a layer adds values i and i+1 of the layer before, so every value has two readers. */
function wideModel(n: number): Model {
  const g = new GraphBuilder('wide');
  const x = g.input('x', 'float32', DIMS);
  let layer = Array.from({ length: WIDTH }, () => g.op('Relu', [x]));
  for (let made = WIDTH; made + WIDTH <= n; made += WIDTH) {
    layer = layer.map((v, i) => g.op('Add', [v, layer[(i + 1) % WIDTH]]));
  }
  for (const v of layer) g.output(v, 'float32', DIMS);
  return buildModel(g.build(), { '': 13 });
}

function singleModel(): Model {
  const g = new GraphBuilder('single');
  g.output(g.op('Relu', [g.input('x', 'float32', DIMS)]), 'float32', DIMS);
  return buildModel(g.build(), { '': 13 });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

interface Timing {
  cpuUs: number[];
  wallUs: number[];
}

async function time(model: Model, backend: string): Promise<Timing> {
  const options: SessionOptions = { executionProviders: [backend], graphOptimizationLevel: 'disabled', enableProfiling: values.profile };
  const session = await InferenceSession.create(model, options);
  const feeds = { x: new Tensor('float32', Float32Array.from([1, -2, 3, -4]), DIMS) };
  const timing: Timing = { cpuUs: [], wallUs: [] };
  const warmup = Math.max(5, runs >> 2);
  for (let r = 0; r < warmup + runs; r++) {
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await session.run(feeds);
    const wallUs = (performance.now() - wall0) * 1000;
    const cpu = process.cpuUsage(cpu0);
    session.endProfiling();
    if (r < warmup) continue;
    timing.wallUs.push(wallUs);
    timing.cpuUs.push(cpu.user + cpu.system);
  }
  await session.release();
  return timing;
}

const backends = ['bench-fixture', 'bench-resident', ...((await importCpuRef()) ? ['cpu-ref'] : [])];
const graphs: [string, Model, number][] = [
  ['chain', chainModel(nodeCount), nodeCount],
  ['weighted', weightedModel(nodeCount), nodeCount],
  ['wide', wideModel(nodeCount), wideModel(nodeCount).graph.nodes.length],
  ['single', singleModel(), 1],
];

console.log(`${runs} runs each${values.profile ? ', profiling on' : ''}; µs per node (the single-node graph: per run)`);
console.log('| graph | backend | nodes | CPU median | wall median | CPU mean |');
console.log('|---|---|---:|---:|---:|---:|');
for (const backend of backends) {
  for (const [name, model, nodes] of graphs) {
    if (only && !only.test(`${name} ${backend}`)) continue;
    const { cpuUs, wallUs } = await time(model, backend);
    const cells = [median(cpuUs), median(wallUs), mean(cpuUs)].map((us) => (us / nodes).toFixed(2));
    console.log(`| ${name} | ${backend} | ${nodes} | ${cells.join(' | ')} |`);
  }
}
