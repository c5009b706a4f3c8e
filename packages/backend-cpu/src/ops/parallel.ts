/**
 * Elementwise WebAssembly kernels split into tiles of about 32K elements (whole planes for per-channel ops) so that
 * large tensors use every thread; small ones stay on the calling thread.
 */
import { writeJob } from '../runtime/call.js';
import { activeThreads, runJob } from '../runtime/pool.js';

const CHUNK = 1 << 15;
const PARALLEL_MIN_ELEMENTS = 1 << 16;

const CLAMP = 0, BINARY = 1, CHANNEL_AFFINE = 2, CHANNEL_BINARY = 3;

function run(kind: number, op: number, x: number, y: number, b: number, n: number, chunk: number, elements: number, more: number[]): void {
  const tiles = Math.ceil(n / chunk);
  const job = writeJob([0, tiles, kind, op, x, y, b, n, chunk, ...more], [15, 16]);
  runJob('elementwiseJob', job, elements >= PARALLEL_MIN_ELEMENTS ? activeThreads() : 1);
}

/** y = min(max(x, lo), hi). */
export function clampAll(x: number, y: number, n: number, lo: number, hi: number): void {
  run(CLAMP, 0, x, y, 0, n, CHUNK, n, [0, 0, 0, 0, 0, 0, lo, hi]);
}

/** y = a op b elementwise (op 0 add, 1 sub, 2 mul, 3 div); a step of 0 repeats that operand's first element. */
export function binaryAll(op: number, a: number, aStep: number, b: number, bStep: number, y: number, n: number): void {
  run(BINARY, op, a, y, b, n, CHUNK, n, [aStep, bStep, 0, 0, 0, 0, 0, 0]);
}

/** y = (x - center[c]) · scale[c] + shift[c], clamped, over planes [N·C][size]. */
export function channelAffineAll(x: number, y: number, planes: number, channels: number, size: number, center: number, scale: number, shift: number, lo: number, hi: number): void {
  run(CHANNEL_AFFINE, 0, x, y, center, planes, Math.max(1, Math.ceil(CHUNK / size)), planes * size, [0, 0, channels, size, scale, shift, lo, hi]);
}

/** y = x op v[c] (or v[c] op x with operandFirst) over planes [N·C][size]. */
export function channelBinaryAll(op: number, x: number, v: number, y: number, planes: number, channels: number, size: number, operandFirst: boolean): void {
  run(CHANNEL_BINARY, op | (operandFirst ? 4 : 0), x, y, v, planes, Math.max(1, Math.ceil(CHUNK / size)), planes * size, [0, 0, channels, size, 0, 0, 0, 0]);
}
