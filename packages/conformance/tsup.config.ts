import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    shims: true,
    target: 'es2022',
  },
  {
    // The worker thread is loaded by URL, as ESM only (it awaits the backend import at top level).
    entry: { worker: 'src/worker.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'es2022',
  },
]);
