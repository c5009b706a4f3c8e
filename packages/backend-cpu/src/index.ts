/**
 * The accelerated CPU backend ('cpu'): WebAssembly SIMD kernels. Until its kernels land it registers nothing, so
 * sessions asking for 'cpu' get a clear error rather than a silent fallback.
 */
export const backendName = 'cpu';
