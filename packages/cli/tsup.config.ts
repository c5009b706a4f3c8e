import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'bench-light': 'src/bench-light.ts', lib: 'src/lib/browser.ts' },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Imported only when a comparison asks for them; resolved from the installation, never bundled.
  external: ['onnxruntime-web', 'onnxruntime-node'],
  banner: { js: '#!/usr/bin/env node' },
});
