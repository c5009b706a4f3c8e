/** The backends the page offers: whatever the imported backend packages register with core. */
import { listBackends } from '@onnx-ts/core';
// The reference backend is always there: sessions fall back to it for nodes other backends cannot run.
import '@onnx-ts/backend-cpu-ref';

/**
 * Importing a backend package registers its backend; a package that registers nothing yet simply adds no choice.
 * Adding a backend to the playground is one line here (and the dependency in package.json).
 */
const BACKEND_PACKAGES: Record<string, () => Promise<unknown>> = {
  '@onnx-ts/backend-cpu': () => import('@onnx-ts/backend-cpu'),
  '@onnx-ts/backend-gpu': () => import('@onnx-ts/backend-gpu'),
};

export interface BackendChoice {
  name: string;
  available: boolean;
}

export interface BackendList {
  choices: BackendChoice[];
  /** Packages that failed to load, with the reason. */
  failures: string[];
}

/** Loads every backend package (a failing one is reported, not fatal) and lists the registered backends. */
export async function loadBackends(): Promise<BackendList> {
  const failures: string[] = [];
  await Promise.all(Object.entries(BACKEND_PACKAGES).map(async ([pkg, load]) => {
    try {
      await load();
    } catch (e) {
      failures.push(`${pkg} failed to load: ${(e as Error).message}`);
    }
  }));
  const choices: BackendChoice[] = [];
  for (const backend of listBackends()) {
    let available = false;
    try {
      available = await backend.isAvailable();
    } catch {
      // A backend whose availability check throws (no adapter, no permission) is not usable here.
    }
    choices.push({ name: backend.name, available });
  }
  return { choices, failures };
}
