/** The WebGPU backend ('gpu', alias 'webgpu'). Until its kernels land it registers nothing. */
export const backendName = 'gpu';
export const backendAliases = ['webgpu'] as const;
