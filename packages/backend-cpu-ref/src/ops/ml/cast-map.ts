import { Tensor, attr, defineKernel, describeValue } from '@onnx-ts/core';
import { ML_DOMAIN, float32ToString } from './common.js';

const OP = 'CastMap';

type Target = 'TO_FLOAT' | 'TO_INT64' | 'TO_STRING';

/** Converts one map value (a float or a string) to the target element type. */
function castValue(value: unknown, to: Target): number | bigint | string {
  let v = value;
  if (typeof v === 'string') {
    if (to === 'TO_STRING') return v;
    const text = v.trim();
    if (to === 'TO_INT64' && /^[+-]?\d+$/.test(text)) return BigInt(text);
    const parsed = Number(text);
    if (text === '' || (Number.isNaN(parsed) && text !== 'NaN')) throw new Error(`${OP}: map value '${v}' is not a number`);
    if (to === 'TO_FLOAT') return parsed;
    v = parsed;
  }
  if (typeof v !== 'number') throw new Error(`${OP}: map values should be strings or floats, got ${typeof v}`);
  if (to === 'TO_STRING') return float32ToString(v);
  if (to === 'TO_FLOAT') return v;
  if (!Number.isFinite(v)) throw new Error(`${OP}: map value ${v} has no int64 value`);
  return BigInt(Math.trunc(v));
}

/**
 * Packs a map of int64 keys into a [1, C] tensor ordered by key: DENSE keeps only the present keys, SPARSE places
 * value k at position k of a max_map-long row and pads with 0 ('0' for strings).
 */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    attrs: { cast_to: attr.string('TO_FLOAT'), map_form: attr.string('DENSE'), max_map: attr.int(1) },
    run: ([input], { cast_to, map_form, max_map }) => {
      if (!(input instanceof Map)) throw new Error(`${OP}: X should be a map, got ${describeValue(input)}`);
      if (cast_to !== 'TO_FLOAT' && cast_to !== 'TO_INT64' && cast_to !== 'TO_STRING') {
        throw new Error(`${OP}: cast_to '${cast_to}' is not TO_FLOAT, TO_INT64 or TO_STRING`);
      }
      if (map_form !== 'DENSE' && map_form !== 'SPARSE') throw new Error(`${OP}: map_form '${map_form}' is not DENSE or SPARSE`);
      const entries = [...input.entries()].map(([k, v]): [bigint, unknown] => {
        if (typeof k !== 'bigint' && typeof k !== 'number') throw new Error(`${OP}: map keys should be int64, got '${String(k)}'`);
        return [BigInt(k), v];
      });
      entries.sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0));
      const sparse = map_form === 'SPARSE';
      if (sparse && max_map < 0) throw new Error(`${OP}: max_map is ${max_map}, expected >= 0`);
      const width = sparse ? max_map : entries.length;
      const type = cast_to === 'TO_FLOAT' ? 'float32' : cast_to === 'TO_INT64' ? 'int64' : 'string';
      const out: (number | bigint | string)[] = new Array(width).fill(type === 'string' ? '0' : type === 'int64' ? 0n : 0);
      entries.forEach(([key, value], i) => {
        if (sparse && (key < 0n || key >= BigInt(max_map))) {
          throw new Error(`${OP}: key ${key} is outside the SPARSE range [0, ${max_map})`);
        }
        out[sparse ? Number(key) : i] = castValue(value, cast_to);
      });
      return [new Tensor(type, out, [1, width])];
    },
  }),
];
