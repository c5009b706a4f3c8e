/** Finding backends: importing the packages that register them and checking names the user gives. */
import { getBackend, listBackends } from '@onnx-ts/core';
import { BACKEND_PACKAGES } from '@onnx-ts/conformance';
import { CliError } from './errors.js';

/**
 * The project's backends that are installed and available here: cpu-ref (the reference others are compared with)
 * first, then the accelerated ones by descending priority.
 */
export async function availableBackends(): Promise<string[]> {
  for (const [name, pkg] of Object.entries(BACKEND_PACKAGES)) {
    if (name === 'webgpu') continue;
    try {
      await import(pkg);
    } catch {
      // Not installed: the backend is simply absent.
    }
  }
  const names: string[] = [];
  for (const b of listBackends()) {
    if (b.name in BACKEND_PACKAGES && (await b.isAvailable())) names.push(b.name);
  }
  return names.sort((a, b) => Number(b === 'cpu-ref') - Number(a === 'cpu-ref'));
}

/** The order a session prefers them in: accelerated backends by priority, the cpu-ref fallback last. */
export function byPreference(backends: readonly string[]): string[] {
  return [...backends.filter((b) => b !== 'cpu-ref'), ...backends.filter((b) => b === 'cpu-ref')];
}

/** Parses a comma-separated --backend list. */
export function backendList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Checks that each named backend is registered and available, importing its package first. Backends registered by
 * other means (a module loaded with `node --import`) are accepted too.
 */
export async function requireBackends(names: readonly string[]): Promise<string[]> {
  const available = await availableBackends();
  for (const name of names) {
    const backend = getBackend(name);
    const hint = `available backends: ${available.join(', ') || 'none'}`;
    if (!backend) {
      const pkg = BACKEND_PACKAGES[name];
      throw new CliError(pkg ? `backend '${name}' is not available: ${pkg} registers no kernels yet or is not installed` : `unknown backend '${name}'`, hint);
    }
    if (!(await backend.isAvailable())) throw new CliError(`backend '${name}' is not available on this machine`, hint);
  }
  return [...names];
}

/** The backends to use: the given list, or the preferred available one. */
export async function chooseBackends(given: readonly string[] | undefined): Promise<string[]> {
  if (given?.length) return requireBackends(given);
  const available = await availableBackends();
  if (!available.length) throw new CliError('no backend is available', "install '@onnx-ts/backend-cpu-ref'");
  return [available[0]];
}

/** "gpu: <adapter>" lines for the backends that say what they run on (read after a session opened them). */
export function backendDescriptions(names: readonly string[]): string[] {
  return names.flatMap((name) => {
    const what = getBackend(name)?.describe?.();
    return what ? [`${name}: ${what}`] : [];
  });
}
