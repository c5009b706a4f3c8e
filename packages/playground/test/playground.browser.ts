/**
 * End-to-end: Debian's Chromium, driven by playwright-core, loads the built playground and the bundler-free import-map
 * page from a local server; models from the ONNX test data run in the page and their outputs, downloaded as .pb,
 * are checked here against the expected outputs with the ONNX rule.
 * Needs `pnpm build` first (the playground's dist and the packages' ESM builds) and Chromium at /usr/bin/chromium.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { Tensor, decodeModel, decodeTensor } from '@onnx-ts/core';
import { compareValues, discoverCases, findDataRoot, type TestCase } from '@onnx-ts/conformance';
import { serveFolder, type StaticServer } from './static-server.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PLAYGROUND_PATH = '/packages/playground/dist/index.html';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NODE_TEST = 'test_relu';
/** docs/playground.png is the README's picture; it is rewritten only when asked, other runs leave it in reports/. */
const SCREENSHOT = process.env.UPDATE_SCREENSHOT ? join(REPO, 'docs', 'playground.png') : join(REPO, 'reports', 'playground.png');
const RUN_TIMEOUT_MS = 180_000;

let context: BrowserContext;
let server: StaticServer;
let isolatedServer: StaticServer;
let profileDir: string;
let dataRoot: string;

test.before(async () => {
  if (!existsSync(join(REPO, PLAYGROUND_PATH))) throw new Error(`${PLAYGROUND_PATH} is missing: run 'pnpm build' first`);
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: 'apt-get install -y chromium', or set CHROMIUM_PATH`);
  dataRoot = findDataRoot();
  server = await serveFolder(REPO);
  isolatedServer = await serveFolder(REPO, { isolated: true });
  profileDir = mkdtempSync(join(tmpdir(), 'onnx-ts-chromium-'));
  // A persistent context is how playwright takes a user-data-dir of our choosing: a fresh, empty one.
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1100, height: 900 },
    acceptDownloads: true,
  });
});

test.after(async () => {
  await context?.close();
  await server?.close();
  await isolatedServer?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

/** A page with the playground loaded and its backends listed; uncaught errors and console errors are collected. */
async function openPlayground(from: StaticServer = server): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
  });
  await page.goto(from.url + PLAYGROUND_PATH);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, pageErrors };
}

async function enabledBackends(page: Page): Promise<string[]> {
  return page.$$eval('#backend option', (options) => (options as HTMLOptionElement[]).filter((o) => !o.disabled).map((o) => o.value));
}

/** Clicks Run and waits for the outcome; a failed run fails the test with the page's error text. */
async function run(page: Page, backend: string): Promise<void> {
  await page.selectOption('#backend', backend);
  await page.click('#run-button');
  await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: RUN_TIMEOUT_MS });
  const state = await page.getAttribute('#status', 'data-state');
  if (state !== 'done') assert.unreachable(`run on ${backend} failed in the page: ${await page.textContent('#error')}`);
}

/** The output the page offers for download, decoded here. */
async function downloadOutput(page: Page, index: number): Promise<Tensor> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#download-${index}`)]);
  return decodeTensor(new Uint8Array(readFileSync(await download.path())), `downloaded output ${index}`);
}

function lightCase(name: string): TestCase {
  const found = discoverCases(join(dataRoot, 'light')).find((c) => c.name === name);
  if (!found) throw new Error(`light model ${name} not found under ${join(dataRoot, 'light')}`);
  return found;
}

function nodeTestDir(name: string): string {
  return join(dataRoot, 'node', name);
}

/** A little-endian float32 .npy file (format 1.0) holding `t`. */
function npyBytes(t: Tensor): Uint8Array {
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'; // data starts on a 64-byte boundary
  const out = new Uint8Array(10 + header.length + t.size * 4);
  out.set([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array((t.data as Float32Array).slice().buffer), 10 + header.length);
  return out;
}

/**
 * Opens a light model with the file picker, checks the summary, runs it with the arange input on every backend the
 * page offers (cpu-ref last) and checks each output and timing chart; returns the page for a screenshot.
 */
async function runLightModel(name: string, from: StaticServer = server): Promise<{ page: Page; pageErrors: string[] }> {
  const c = lightCase(name);
  const { model, dataSets } = c.load();
  const expected = dataSets[0].outputs[0];
  const { page, pageErrors } = await openPlayground(from);
  await page.setInputFiles('#model-file', c.modelPath);
  await page.waitForSelector('#summary:not([hidden])');
  const facts = await page.$$eval('#model-facts dt, #model-facts dd', (nodes) => nodes.map((n) => n.textContent ?? ''));
  assert.is(facts[facts.indexOf('nodes') + 1], String(model.graph.nodes.length), 'node count in the summary');
  const convCount = model.graph.nodes.filter((n) => n.opType === 'Conv').length;
  const convRow = await page.$$eval('.hist-row', (rows) => rows.map((r) => r.textContent ?? '').find((t) => t.startsWith('Conv')));
  assert.is(convRow, `Conv${convCount}`, 'Conv row of the op histogram');

  await page.selectOption('#input-mode-0', 'arange');
  const backends = await enabledBackends(page);
  assert.ok(backends.includes('cpu-ref'), `cpu-ref is offered (offered: ${backends.join(', ')})`);
  const unavailable = await page.$$eval('#backend option:disabled', (options) => options.map((o) => (o as HTMLOptionElement).value));
  console.log(`  ${name}: runs on ${backends.join(', ')}${unavailable.length ? `; not available in this browser: ${unavailable.join(', ')}` : ''}`);
  for (const backend of [...backends.filter((b) => b !== 'cpu-ref'), 'cpu-ref']) {
    await run(page, backend);
    const got = await downloadOutput(page, 0);
    const mismatch = compareValues(got, expected, c.tolerance, `${name} on ${backend}`);
    assert.is(mismatch, undefined, mismatch);
    console.log(`    ${await page.textContent('#status')}`);
    // Nodes the backend has no kernel for fall back to cpu-ref, but the chosen one must have run some.
    assert.match(await page.textContent('#timing-summary') ?? '', new RegExp(`Nodes placed: .*\\b${backend} \\d+`));
    const bars = await page.$$('#timing-chart rect.node-bar');
    assert.is(bars.length, model.graph.nodes.length, `timing chart has one bar per node on ${backend}`);
    assert.ok((await page.$$('#op-times rect.op-bar')).length > 0, 'op-type chart rendered');
    const heights = await page.$$eval('#timing-chart rect.node-bar', (rs) => rs.map((r) => Number(r.getAttribute('height'))));
    assert.ok(heights.every((v) => Number.isFinite(v) && v > 0), 'every bar has a positive height');
  }
  return { page, pageErrors };
}

test('squeezenet (light) with arange input matches its expected output on every backend the page offers', async () => {
  const { page, pageErrors } = await runLightModel('test_squeezenet');
  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assert.equal(pageErrors, []);
  await page.close();
});

// The light models end in a softmax over equal logits (uniform 0.001); densenet121's output depends on the input.
test('densenet121 (light) with arange input matches its expected output on every backend the page offers', async () => {
  const { page, pageErrors } = await runLightModel('test_densenet121');
  assert.equal(pageErrors, []);
  await page.close();
});

test('on a cross-origin isolated page (COOP/COEP) the page says so and densenet121 still matches', async () => {
  const { page, pageErrors } = await runLightModel('test_densenet121', isolatedServer);
  assert.ok(await page.evaluate(() => globalThis.crossOriginIsolated), 'the page is cross-origin isolated');
  assert.match(await page.textContent('#backend-notes') ?? '', /is cross-origin isolated/);
  assert.equal(pageErrors, []);
  await page.close();
});

test('a model dropped on the page runs with its input uploaded as .pb, as .npy, and generated as arange', async () => {
  const dir = nodeTestDir(NODE_TEST);
  const modelBytes = readFileSync(join(dir, 'model.onnx'));
  const inputFile = join(dir, 'test_data_set_0', 'input_0.pb');
  const expected = decodeTensor(new Uint8Array(readFileSync(join(dir, 'test_data_set_0', 'output_0.pb'))));
  const { page, pageErrors } = await openPlayground();
  const dataTransfer = await page.evaluateHandle(({ name, base64 }) => {
    const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name));
    return transfer;
  }, { name: `${NODE_TEST}.onnx`, base64: modelBytes.toString('base64') });
  await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
  await page.waitForSelector('#summary:not([hidden])');
  assert.match(await page.textContent('#model-name') ?? '', `${NODE_TEST}.onnx`);

  await page.selectOption('#input-mode-0', 'file');
  await page.setInputFiles('#input-file-0', inputFile);
  await run(page, 'cpu-ref');
  const fromPb = await downloadOutput(page, 0);
  assert.is(compareValues(fromPb, expected, { rtol: 1e-3, atol: 1e-7 }, 'Relu with the .pb input'), undefined);

  const input = decodeTensor(new Uint8Array(readFileSync(inputFile)));
  assert.is(input.type, 'float32');
  await page.setInputFiles('#input-file-0', { name: 'x.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(npyBytes(input)) });
  await run(page, 'cpu-ref');
  const fromNpy = await downloadOutput(page, 0);
  assert.is(compareValues(fromNpy, expected, { rtol: 1e-3, atol: 1e-7 }, 'Relu with the .npy input'), undefined);

  // The light models' outputs do not depend on their input (constant weights), so arange is checked here:
  // element i of n is i/n, all non-negative, and Relu passes it through.
  await page.selectOption('#input-mode-0', 'arange');
  await run(page, 'cpu-ref');
  const fromArange = await downloadOutput(page, 0);
  const n = input.size;
  const byHand = new Tensor('float32', Float32Array.from({ length: n }, (_, i) => i / n), input.dims);
  assert.is(compareValues(fromArange, byHand, { rtol: 0, atol: 0 }, 'Relu of arange'), undefined);
  assert.equal(pageErrors, []);
  await page.close();
});

test('bad files and missing inputs give a clear error in the page', async () => {
  const { page } = await openPlayground();
  await page.setInputFiles('#model-file', { name: 'garbage.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a protobuf model') });
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error') ?? '', /garbage\.onnx/);

  await page.setInputFiles('#model-file', join(nodeTestDir(NODE_TEST), 'model.onnx'));
  await page.waitForSelector('#summary:not([hidden])');
  assert.ok(await page.isHidden('#error'), 'opening a good model clears the error');
  await page.selectOption('#input-mode-0', 'file');
  await page.click('#run-button');
  await page.waitForSelector('#status[data-state="error"]');
  assert.match(await page.textContent('#error') ?? '', /input 'x': choose a \.pb or \.npy file/);

  await page.setInputFiles('#input-file-0', { name: 'x.npy', mimeType: 'application/octet-stream', buffer: Buffer.from('nope') });
  await page.click('#run-button');
  await page.waitForSelector('#status[data-state="error"]');
  assert.match(await page.textContent('#error') ?? '', /x\.npy: not a \.npy file/);
  await page.close();
});

test('the ESM builds of core and the backends load through a bare import map, no bundler', async () => {
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.url}/packages/playground/importmap/index.html`);
  await page.waitForSelector('#result[data-state]', { timeout: 30_000 });
  const text = await page.textContent('#result');
  assert.is(await page.getAttribute('#result', 'data-state'), 'done', text ?? '');
  const outputs = JSON.parse(text ?? '{}') as Record<string, number[]>;
  console.log(`  import map: ran on ${Object.keys(outputs).join(', ')}`);
  assert.ok('cpu-ref' in outputs, 'cpu-ref ran');
  // Relu(x - 1.5) of [0, 1, 2, 3], worked out by hand.
  for (const [backend, values] of Object.entries(outputs)) assert.equal(values, [0, 0, 0.5, 1.5], backend);
  assert.equal(pageErrors, []);
  await page.close();
});

test.run();
