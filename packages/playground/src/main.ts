/** The playground page: open a model, see its summary, run it on a backend, see outputs and time per node. */
import { InferenceSession, decodeModel, encodeValue, type Model, type Value, type ValueMetadata } from '@onnx-ts/core';
import { formatBytes, formatDims, formatMs, formatNumber, seededRandom } from '@onnx-ts/cli/lib';
import { loadBackends } from './backends.js';
import { byId, fillTable, h } from './dom.js';
import { INPUT_MODES, concreteDims, generateInput, readInputFile, symbolicDims, type InputMode } from './inputs.js';
import { describeOutput } from './outputs.js';
import { summarizeModel } from './summary.js';
import { nodeTimingChart, opTimeChart } from './timing-chart.js';

interface InputSetting {
  meta: ValueMetadata;
  mode: InputMode;
  file?: { name: string; bytes: Uint8Array };
}

interface Loaded {
  model: Model;
  fileName: string;
  inputs: InputSetting[];
  symbols: Map<string, number>;
}

let loaded: Loaded | undefined;

const status = byId('status');
const errorBox = byId('error');

function setStatus(state: 'idle' | 'loading' | 'running' | 'done' | 'error', text: string): void {
  status.dataset.state = state;
  status.textContent = text;
}

function showError(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  errorBox.textContent = message;
  errorBox.hidden = false;
  setStatus('error', 'Failed.');
}

function clearError(): void {
  errorBox.hidden = true;
  errorBox.textContent = '';
}

/** The metadata a session would report, read from the model without creating one. */
function inputMetadata(model: Model): ValueMetadata[] {
  const initializers = new Set([...model.graph.initializers.keys(), ...model.graph.sparseInitializers.keys()]);
  return model.graph.inputs.filter((v) => !initializers.has(v.name)).map((v) => ({
    name: v.name,
    isTensor: v.type === undefined || v.type.kind === 'tensor',
    type: v.type?.kind === 'tensor' ? v.type.elemType : undefined,
    shape: v.type?.kind === 'tensor' ? v.type.shape : undefined,
    typeInfo: v.type,
  }));
}

function typeText(meta: { type?: string; typeInfo?: { kind: string } }): string {
  return meta.type ?? meta.typeInfo?.kind ?? 'unknown';
}

async function openModel(file: File): Promise<void> {
  clearError();
  setStatus('loading', `Reading ${file.name}…`);
  byId('results').hidden = true;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let model: Model;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    throw new Error(`${file.name} is not a model onnx-ts can read: ${(e as Error).message}`, { cause: e });
  }
  const metadata = inputMetadata(model);
  loaded = {
    model,
    fileName: file.name,
    // A tensor input with a declared shape can be generated; anything else has to be uploaded.
    inputs: metadata.map((meta) => ({ meta, mode: meta.isTensor && meta.shape ? 'random' : 'file' })),
    symbols: new Map(symbolicDims(metadata).map((name) => [name, 1])),
  };
  byId('model-name').textContent = `${file.name} (${formatBytes(bytes.length)})`;
  renderSummary(model);
  renderInputSettings(loaded);
  byId('summary').hidden = false;
  byId('run').hidden = false;
  setStatus('idle', `Loaded ${file.name}.`);
}

function renderSummary(model: Model): void {
  const s = summarizeModel(model);
  const facts: [string, string][] = [
    ['graph', model.graph.name || '(unnamed)'],
    ['producer', s.producer],
    ['IR version', String(s.irVersion)],
    ['opsets', s.opsets.join(', ')],
    ['nodes', String(s.nodeCount)],
    ['parameters', `${s.parameterCount.toLocaleString('en')} in ${s.initializerCount} initializer${s.initializerCount === 1 ? '' : 's'} (${formatBytes(s.parameterBytes)})`],
  ];
  byId('model-facts').replaceChildren(...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  const outputs = model.graph.outputs.map((v) => ({
    name: v.name, type: v.type?.kind === 'tensor' ? v.type.elemType : undefined, typeInfo: v.type,
    shape: v.type?.kind === 'tensor' ? v.type.shape : undefined,
  }));
  const row = (m: { name: string; type?: string; typeInfo?: { kind: string }; shape?: readonly (number | string | null)[] }) => [m.name, typeText(m), formatDims(m.shape)];
  fillTable(byId<HTMLTableElement>('model-inputs'), ['name', 'type', 'shape'], inputMetadata(model).map(row));
  fillTable(byId<HTMLTableElement>('model-outputs'), ['name', 'type', 'shape'], outputs.map(row));
  const most = s.opHistogram[0]?.[1] ?? 1;
  byId('op-histogram').replaceChildren(...s.opHistogram.map(([op, count]) => h('div', { class: 'hist-row' },
    h('span', { class: 'hist-label' }, op),
    h('span', { class: 'hist-bar', style: `width: ${(count / most) * 100}%` }),
    h('span', { class: 'hist-count' }, count))));
}

function renderInputSettings(state: Loaded): void {
  const rows: HTMLElement[] = [];
  for (const [name, value] of state.symbols) {
    const field = h('input', { type: 'number', min: 0, value, 'data-symbol': name });
    field.addEventListener('change', () => state.symbols.set(name, Number(field.value)));
    rows.push(h('tr', {}, h('td', {}, `dim '${name}'`), h('td', { colspan: 3 }, field)));
  }
  state.inputs.forEach((setting, i) => {
    const select = h('select', { id: `input-mode-${i}`, 'aria-label': `values for ${setting.meta.name}` },
      ...INPUT_MODES.map((mode) => h('option', { value: mode, selected: mode === setting.mode }, mode)));
    const file = h('input', { id: `input-file-${i}`, type: 'file', accept: '.pb,.npy', hidden: setting.mode !== 'file' });
    const note = h('span', { class: 'muted' }, setting.file?.name ?? '');
    select.addEventListener('change', () => {
      setting.mode = select.value as InputMode;
      file.hidden = setting.mode !== 'file';
    });
    file.addEventListener('change', async () => {
      const chosen = file.files?.[0];
      if (!chosen) return;
      setting.file = { name: chosen.name, bytes: new Uint8Array(await chosen.arrayBuffer()) };
      note.textContent = `${chosen.name} (${formatBytes(chosen.size)})`;
    });
    rows.push(h('tr', {}, h('td', {}, setting.meta.name), h('td', {}, typeText(setting.meta)), h('td', {}, formatDims(setting.meta.shape)), h('td', {}, select, ' ', file, ' ', note)));
  });
  byId('input-settings').replaceChildren(
    h('thead', {}, h('tr', {}, h('th', {}, 'input'), h('th', {}, 'type'), h('th', {}, 'shape'), h('th', {}, 'values'))),
    h('tbody', {}, ...rows),
  );
}

function buildFeeds(state: Loaded, seed: number): Record<string, Value> {
  const random = seededRandom(seed);
  const feeds: Record<string, Value> = {};
  for (const { meta, mode, file } of state.inputs) {
    if (mode === 'file') {
      if (!file) throw new Error(`input '${meta.name}': choose a .pb or .npy file, or another way to make its values`);
      feeds[meta.name] = readInputFile(file.name, file.bytes, meta);
    } else {
      if (!meta.shape) throw new Error(`input '${meta.name}' has no declared shape, so its values cannot be generated: upload a file`);
      feeds[meta.name] = generateInput(meta, concreteDims(meta.shape, state.symbols), mode, random);
    }
  }
  return feeds;
}

/** Lets the browser paint the status line before a long synchronous stretch of work. */
const nextFrame = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

async function runModel(state: Loaded): Promise<void> {
  clearError();
  const backend = byId<HTMLSelectElement>('backend').value;
  const runs = Number(byId<HTMLInputElement>('runs').value);
  const seed = Number(byId<HTMLInputElement>('seed').value);
  if (!backend) throw new Error('no backend is available in this browser');
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new Error(`runs must be a whole number from 1 to 100, got '${byId<HTMLInputElement>('runs').value}'`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be a whole number, got '${byId<HTMLInputElement>('seed').value}'`);
  setStatus('running', `Running ${state.fileName} on ${backend}…`);
  await nextFrame();
  const feeds = buildFeeds(state, seed);
  const session = await InferenceSession.create(state.model, { executionProviders: [backend], enableProfiling: true });
  try {
    const times: number[] = [];
    let outputs: Record<string, Value> = {};
    for (let r = 0; r < runs; r++) {
      session.endProfiling(); // keep only the last run's events
      const started = performance.now();
      outputs = await session.run(feeds);
      times.push(performance.now() - started);
      await nextFrame();
    }
    const events = session.endProfiling();
    const placed = new Map<string, number>();
    for (const p of session.placement) placed.set(p.backend, (placed.get(p.backend) ?? 0) + 1);
    renderOutputs(outputs);
    const last = times[times.length - 1];
    const best = Math.min(...times);
    byId('timing-summary').textContent = `Last run ${formatMs(last)} ms` + (runs > 1 ? `, best of ${runs} ${formatMs(best)} ms` : '') +
      ` on '${backend}'. Nodes placed: ${[...placed].map(([b, n]) => `${b} ${n}`).join(', ')}.`;
    byId('timing-chart').replaceChildren(nodeTimingChart(events));
    byId('op-times').replaceChildren(opTimeChart(events));
    byId('results').hidden = false;
    setStatus('done', `Ran ${state.fileName} on ${backend} in ${formatMs(last)} ms.`);
  } finally {
    await session.release();
  }
}

function fileNameFor(output: string): string {
  return `${output.replace(/[^\w.-]+/g, '_') || 'output'}.pb`;
}

function renderOutputs(outputs: Record<string, Value>): void {
  const blocks = Object.entries(outputs).map(([name, value], i) => {
    const view = describeOutput(name, value);
    const link = h('a', { id: `download-${i}`, download: fileNameFor(name), href: URL.createObjectURL(new Blob([encodeValue(value) as Uint8Array<ArrayBuffer>])) }, 'download .pb');
    const stats = view.stats;
    const facts: [string, string][] = [['value', view.description]];
    if (stats) {
      facts.push(['min / max', `${formatNumber(stats.min)} / ${formatNumber(stats.max)}`]);
      facts.push(['mean ± std', `${formatNumber(stats.mean)} ± ${formatNumber(stats.std)}`]);
      if (stats.nanCount) facts.push(['NaN', String(stats.nanCount)]);
    }
    if (view.first.length) facts.push([`first ${view.first.length}`, view.first.join(', ')]);
    if (view.top) facts.push(['top (index: value)', view.top.map(([k, v]) => `${k}: ${formatNumber(v)}`).join(', ')]);
    return h('article', { class: 'output', id: `output-${i}`, 'data-name': name },
      h('h3', {}, name, ' ', link),
      h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
  });
  byId('outputs').querySelectorAll<HTMLAnchorElement>('a[href^="blob:"]').forEach((old) => URL.revokeObjectURL(old.href));
  byId('outputs').replaceChildren(...blocks);
}

function wireModelPicker(): void {
  const picker = byId<HTMLInputElement>('model-file');
  const zone = byId('drop-zone');
  const open = (file: File | undefined): void => {
    if (file) openModel(file).catch(showError);
  };
  picker.addEventListener('change', () => open(picker.files?.[0]));
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    open(e.dataTransfer?.files[0]);
  });
}

async function start(): Promise<void> {
  wireModelPicker();
  byId('run-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (loaded) runModel(loaded).catch(showError);
  });
  const { choices, failures } = await loadBackends();
  const select = byId<HTMLSelectElement>('backend');
  select.replaceChildren(...choices.map((c) => h('option', { value: c.name, disabled: !c.available }, c.available ? c.name : `${c.name} (not available here)`)));
  const preferred = choices.find((c) => c.available);
  if (preferred) select.value = preferred.name;
  // Backends that use threads (cpu) can share memory with Web Workers only on a cross-origin isolated page.
  const isolation = globalThis.crossOriginIsolated
    ? `This page is cross-origin isolated: multi-threaded backends can use up to ${navigator.hardwareConcurrency} threads.`
    : 'This page is not cross-origin isolated (no COOP/COEP headers), so backends run on one thread.';
  byId('backend-notes').textContent = [isolation, ...failures].join(' ');
  document.body.dataset.ready = 'true';
  setStatus('idle', 'Open a model to start.');
}

start().catch(showError);
