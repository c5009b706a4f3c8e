import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs, so the built page works from any folder or sub-path.
  base: './',
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
  },
  optimizeDeps: {
    // The JPEG/WebP codecs find their .wasm next to their own script (new URL(..., import.meta.url)), which
    // pre-bundling would move.
    exclude: ['@jsquash/jpeg', '@jsquash/webp'],
  },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1' },
});
