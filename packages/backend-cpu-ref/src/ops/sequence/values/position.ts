/** The `position` input of the sequence ops. */
import type { Tensor } from '@onnx-ts/core';
import { readIntScalar } from '../../tensor/args.js';

/**
 * A position in a sequence of `length`, negative counting from the back; accepted in [-length, length - 1], or up to
 * `length` itself when `allowEnd` (inserting at the back).
 */
export function readPosition(op: string, position: Tensor, length: number, allowEnd = false): number {
  if (position.type !== 'int32' && position.type !== 'int64') {
    throw new Error(`${op}: 'position' must be int32 or int64, got ${position.type}`);
  }
  const p = readIntScalar(op, position, 'position');
  const last = allowEnd ? length : length - 1;
  if (p < -length || p > last) throw new Error(`${op}: position ${p} is out of range [${-length}, ${last}] for a sequence of ${length}`);
  return p < 0 ? p + length : p;
}
