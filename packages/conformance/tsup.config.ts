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
    // Worker thread and fuzz child are loaded by path, as ESM only (they await at top level).
    entry: { worker: 'src/worker.ts', 'fuzz-child': 'src/fuzz-child.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'es2022',
  },
]);
