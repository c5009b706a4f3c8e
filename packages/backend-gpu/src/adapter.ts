/**
 * Finding a WebGPU adapter: the page's `navigator.gpu` in a browser, Dawn's bindings (the `webgpu` npm package) in
 * Node. In Node the default backends (Vulkan, Metal, D3D12) are tried first, then Dawn's OpenGL backend as a
 * compatibility-mode adapter, which is how Mesa's software renderer serves a machine without a GPU.
 */
/// <reference types="@webgpu/types" />

/** How the backend finds its GPU; every field is optional. */
export interface GpuSetup {
  /** A `GPU` object to use instead of finding one (for example one made with the `webgpu` package's create()). */
  gpu?: GPU;
  /** Dawn toggles for the Node bindings, such as 'backend=opengl' (also from ONNX_TS_WEBGPU_FLAGS, comma-separated). */
  dawnFlags?: string[];
  powerPreference?: GPUPowerPreference;
}

export interface FoundAdapter {
  /** Must stay referenced while the device is used: Dawn's Node bindings tear the instance down when it is collected. */
  gpu: GPU;
  adapter: GPUAdapter;
  /** 'core' or 'compatibility'. */
  featureLevel: string;
  /** What was tried, for the error when nothing is found. */
  attempts: string[];
}

type DawnModule = { create(flags: string[]): GPU };

async function loadDawn(): Promise<DawnModule> {
  const name = 'webgpu';
  try {
    return (await import(/* @vite-ignore */ name)) as DawnModule;
  } catch (e) {
    throw new Error(`gpu: the 'webgpu' package (Dawn for Node) could not be loaded: ${(e as Error).message}`);
  }
}

function envFlags(): string[] {
  const raw = typeof process !== 'undefined' ? process.env.ONNX_TS_WEBGPU_FLAGS : undefined;
  return raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

function describeAdapter(a: GPUAdapter): string {
  const i = a.info;
  return [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' / ') || 'unnamed adapter';
}

async function request(gpu: GPU, options: GPURequestAdapterOptions, tried: string, attempts: string[]): Promise<GPUAdapter | null> {
  try {
    const a = await gpu.requestAdapter(options);
    attempts.push(`${tried}: ${a ? describeAdapter(a) : 'no adapter'}`);
    return a;
  } catch (e) {
    attempts.push(`${tried}: ${(e as Error).message}`);
    return null;
  }
}

/** Finds an adapter or throws an Error listing what was tried. */
export async function findAdapter(setup: GpuSetup = {}): Promise<FoundAdapter> {
  const attempts: string[] = [];
  const powerPreference = setup.powerPreference ?? 'high-performance';
  const tryGpu = async (gpu: GPU, where: string): Promise<FoundAdapter | undefined> => {
    const core = await request(gpu, { powerPreference }, `${where} (core)`, attempts);
    if (core) return { gpu, adapter: core, featureLevel: 'core', attempts };
    const compat = await request(gpu, { powerPreference, featureLevel: 'compatibility' }, `${where} (compatibility)`, attempts);
    if (compat) return { gpu, adapter: compat, featureLevel: 'compatibility', attempts };
    return undefined;
  };
  if (setup.gpu) {
    const found = await tryGpu(setup.gpu, 'the given GPU');
    if (found) return found;
  } else if (typeof navigator !== 'undefined' && (navigator as Navigator & { gpu?: GPU }).gpu) {
    const found = await tryGpu((navigator as Navigator & { gpu: GPU }).gpu, 'navigator.gpu');
    if (found) return found;
  } else if (typeof process !== 'undefined' && process.versions?.node) {
    const dawn = await loadDawn();
    const flags = [...(setup.dawnFlags ?? []), ...envFlags()];
    const found = await tryGpu(dawn.create(flags), `Dawn [${flags.join(', ')}]`);
    if (found) return found;
    if (!flags.some((f) => f.startsWith('backend='))) {
      // Without a display, Mesa's EGL must be told to render off-screen before it loads.
      if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && !process.env.EGL_PLATFORM) process.env.EGL_PLATFORM = 'surfaceless';
      const gl = await tryGpu(dawn.create([...flags, 'backend=opengl']), 'Dawn [backend=opengl]');
      if (gl) return gl;
    }
  } else {
    attempts.push('no navigator.gpu and not Node');
  }
  throw new Error(`gpu: no WebGPU adapter found (tried ${attempts.join('; ')}). See the README's "GPU backend" section.`);
}

/** One line naming the adapter: vendor, architecture, device, description, backend and feature level. */
export function adapterLabel(adapter: GPUAdapter, featureLevel: string): string {
  return `${describeAdapter(adapter)} [${featureLevel}]`;
}
