/**
 * Settings of the 'arm' backend: cache-blocking sizes of the GEMMs, the low-memory mode and which WebAssembly build
 * runs the kernels. Read with `armConfig()`, changed with `configure()` from the package entry.
 */

export interface Tiles {
  /** Depth of a GEMM block in k (elements); a multiple of 4. */
  kc: number;
  /** Columns of a GEMM block (a convolution's im2col block holds 4·nc pixels); a multiple of 8. */
  nc: number;
}

export interface ArmConfig {
  tiles: Tiles;
  /**
   * Low-memory mode for small devices: packed weights are not kept between runs but rebuilt per layer in scratch
   * memory that the next layer reuses, so the module's memory holds one layer's operands at a time.
   */
  lowMemory: boolean;
  /** 'auto' uses the relaxed-SIMD build (SDOT/UDOT dot products on ARM) where the runtime validates it. */
  relaxedSimd: 'auto' | boolean;
}

/**
 * Defaults sized for ARM cores: a 4×8 register tile over kc = 256 keeps a 4×256 i16 sliver of A (2 KiB) and a
 * 256×8 panel of B (4 KiB) in a 32 KiB L1D (Cortex-A53/A55/A72); a kc×nc block of B (256×256 i16, 128 KiB) fits
 * the smallest common L2 (256 KiB on Cortex-A55/A76).
 */
export const DEFAULT_TILES: Readonly<Tiles> = Object.freeze({ kc: 256, nc: 256 });

const config: ArmConfig = { tiles: { ...DEFAULT_TILES }, lowMemory: false, relaxedSimd: 'auto' };

export function armConfig(): Readonly<ArmConfig> {
  return config;
}

export interface ConfigureOptions {
  tiles?: Partial<Tiles>;
  lowMemory?: boolean;
  relaxedSimd?: 'auto' | boolean;
}

/** Validates and applies settings; returns whether the WebAssembly build must be reloaded. */
export function applyConfig(options: ConfigureOptions): boolean {
  const tiles = { ...config.tiles, ...options.tiles };
  if (!Number.isInteger(tiles.kc) || tiles.kc < 4 || tiles.kc % 4 !== 0) {
    throw new Error(`backend-arm: tiles.kc must be a positive multiple of 4, got ${tiles.kc}`);
  }
  if (!Number.isInteger(tiles.nc) || tiles.nc < 8 || tiles.nc % 8 !== 0) {
    throw new Error(`backend-arm: tiles.nc must be a positive multiple of 8, got ${tiles.nc}`);
  }
  if (options.relaxedSimd !== undefined && options.relaxedSimd !== 'auto' && typeof options.relaxedSimd !== 'boolean') {
    throw new Error(`backend-arm: relaxedSimd must be 'auto', true or false, got ${String(options.relaxedSimd)}`);
  }
  config.tiles = tiles;
  if (options.lowMemory !== undefined) config.lowMemory = Boolean(options.lowMemory);
  const reload = options.relaxedSimd !== undefined && options.relaxedSimd !== config.relaxedSimd;
  if (options.relaxedSimd !== undefined) config.relaxedSimd = options.relaxedSimd;
  return reload;
}
