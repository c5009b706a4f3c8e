/** The ARM-tuned backend ('arm'): quantized and float16 kernels. Until its kernels land it registers nothing. */
export const backendName = 'arm';
