import { Tensor } from '@onnx-ts/core';
import { broadcastPlan, mapBroadcast, type ElementFns } from '../../util/elementwise.js';
import { NUMERIC, binaryKernels } from './common.js';

const sameValue: ElementFns = { float: (a, b) => a === b, int: (a, b) => a === b, bigint: (a, b) => a === b };

/** Strings (opset 19) are compared here; every other type goes through the shared numeric dispatch. */
function equal(a: Tensor, b: Tensor): Tensor {
  if (a.type !== 'string' && b.type !== 'string') return mapBroadcast('Equal', [a, b], sameValue, 'bool');
  if (a.type !== b.type) throw new Error(`Equal: inputs have different element types (${a.type} and ${b.type})`);
  const { dims, size, indexes: [ia, ib], out: storage } = broadcastPlan([a, b], 'bool');
  const out = storage as Uint8Array;
  const sa = a.data as string[];
  const sb = b.data as string[];
  for (let i = 0; i < size; i++) out[i] = sa[ia ? ia[i] : i] === sb[ib ? ib[i] : i] ? 1 : 0;
  return new Tensor('bool', out, dims);
}

export default binaryKernels('Equal', equal, { since: 1, dtypes: ['bool', ...NUMERIC, 'string'], legacyUntil: 6 });
