/** The CLI's helpers that also serve a browser page (no Node imports): number formatting, statistics, .npy, seeded inputs. */
export { formatBytes, formatDims, formatMs, formatNumber } from './format.js';
export { valueStats, type ValueStats } from './stats.js';
export { parseNpy } from './npy.js';
export { seededRandom } from './random.js';
