import { Tensor, allocData, defineKernel } from '@onnx-ts/core';
import { ML_DOMAIN, tensorInput } from './common.js';

const OP = 'ArrayFeatureExtractor';

/** Picks entries of the last axis of X by the (flattened) indices Y; a 1-D X gives one row, [1, K]. */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: ['float32', 'float64', 'int64', 'int32', 'string'],
    run: ([xIn, yIn]) => {
      const x = tensorInput(OP, xIn, 'X');
      const y = tensorInput(OP, yIn, 'Y');
      if (y.type !== 'int64') throw new Error(`${OP}: indices Y should be int64, got ${y.type}`);
      if (x.dims.length === 0) throw new Error(`${OP}: X should have at least one axis, got a scalar`);
      const last = x.dims[x.dims.length - 1];
      const indices = y.data as BigInt64Array;
      const picks = new Int32Array(indices.length);
      indices.forEach((v, k) => {
        if (v < 0n || v >= BigInt(last)) throw new Error(`${OP}: index ${v} is out of range for a last axis of ${last}`);
        picks[k] = Number(v);
      });
      const outer = last === 0 ? 0 : x.size / last;
      const dims = x.dims.length === 1 ? [1, picks.length] : [...x.dims.slice(0, -1), picks.length];
      const src = x.data as ArrayLike<unknown>;
      const out = allocData(x.type, outer * picks.length) as unknown as unknown[];
      for (let r = 0; r < outer; r++) {
        for (let k = 0; k < picks.length; k++) out[r * picks.length + k] = src[r * last + picks[k]];
      }
      return [new Tensor(x.type, out as never, dims)];
    },
  }),
];
