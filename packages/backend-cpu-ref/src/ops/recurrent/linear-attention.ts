/**
 * LinearAttention (opset 27): a recurrent state S [d_k, d_v] per batch entry and key/value head, updated token by
 * token; query head h reads the state of key/value head floor(h / (q_num_heads / kv_num_heads)):
 *   linear:       S = S + k ⊗ v
 *   gated:        S = exp(g) ⊙ S + k ⊗ v
 *   delta:        S = S + k ⊗ β(v - Sᵀk)
 *   gated_delta:  S = exp(g) ⊙ S,  then S = S + k ⊗ β(v - Sᵀk)
 *   o = scale · qᵀS
 * Query/key/value are [batch, T, heads*d]; decay g is [batch, T, kv_heads*d_k] (per key row) or [batch, T, kv_heads];
 * beta is [batch, T, kv_heads] or [batch, T, 1]. The state comes from past_state [batch, kv_heads, d_k, d_v] (zeros
 * when absent) and leaves as present_state. chunk_size is only a tuning hint and does not change the result.
 */
import { attr, defineKernel, type Tensor } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../util/elementwise.js';
import { expectDims, expectRank, optionalTensor, sameTypeTensors } from './checks.js';

const OP = 'LinearAttention';
const RULES = ['linear', 'gated', 'delta', 'gated_delta'];

/** A [batch, T, heads*per] input as numbers, with `per` (the values per head) worked out from its last dimension. */
function packed(name: string, t: Tensor, batch: number, steps: number, heads: number): { data: Float64Array; per: number } {
  expectRank(OP, name, t, 3);
  const last = t.dims[2];
  if (t.dims[0] !== batch || t.dims[1] !== steps || heads <= 0 || last % heads !== 0) {
    throw new Error(`${OP}: input '${name}' should be [${batch}, ${steps}, ${heads}·d], got [${t.dims.join(', ')}]`);
  }
  return { data: toNumbers(t), per: last / heads };
}

/** A per-token gate input whose last dimension is one of `widths`; returns its values and that width. */
function gate(name: string, t: Tensor | undefined, rule: string, batch: number, steps: number, widths: number[]) {
  if (!t) throw new Error(`${OP}: update_rule '${rule}' needs input '${name}'`);
  expectRank(OP, name, t, 3);
  if (t.dims[0] !== batch || t.dims[1] !== steps || !widths.includes(t.dims[2])) {
    throw new Error(`${OP}: input '${name}' should be [${batch}, ${steps}, ${widths.join(' or ')}], got [${t.dims.join(', ')}]`);
  }
  return { data: toNumbers(t), width: t.dims[2] };
}

export default [
  defineKernel({
    op: OP, since: 27,
    dtypes: ['float32', 'float16', 'bfloat16'],
    attrs: {
      kv_num_heads: attr.int.required(),
      q_num_heads: attr.int.required(),
      scale: attr.float(0),
      update_rule: attr.string('gated_delta'),
    },
    run: (inputs, attrs, ctx) => {
      const rule = attrs.update_rule;
      if (!RULES.includes(rule)) throw new Error(`${OP}: update_rule should be one of ${RULES.join(', ')}, got '${rule}'`);
      const [query, key, value] = sameTypeTensors(OP, inputs, ['query', 'key', 'value']);
      const type = query.type;
      const qHeads = attrs.q_num_heads;
      const kvHeads = attrs.kv_num_heads;
      if (kvHeads <= 0 || qHeads % kvHeads !== 0) {
        throw new Error(`${OP}: q_num_heads (${qHeads}) should be a positive multiple of kv_num_heads (${kvHeads})`);
      }
      expectRank(OP, 'query', query, 3);
      const [batch, steps] = query.dims;
      const q = packed('query', query, batch, steps, qHeads);
      const k = packed('key', key, batch, steps, kvHeads);
      const v = packed('value', value, batch, steps, kvHeads);
      const dk = q.per;
      const dv = v.per;
      if (k.per !== dk) throw new Error(`${OP}: key head size ${k.per} should equal query head size ${dk}`);
      const gated = rule === 'gated' || rule === 'gated_delta';
      const delta = rule === 'delta' || rule === 'gated_delta';
      const decay = gated ? gate('decay', optionalTensor(OP, 'decay', inputs[4]), rule, batch, steps, [kvHeads * dk, kvHeads]) : undefined;
      const beta = delta ? gate('beta', optionalTensor(OP, 'beta', inputs[5]), rule, batch, steps, [kvHeads, 1]) : undefined;

      const stateDims = [batch, kvHeads, dk, dv];
      const past = optionalTensor(OP, 'past_state', inputs[3]);
      if (past) {
        expectDims(OP, 'past_state', past, stateDims);
        // The state may be kept in float32 while the activations are float16 or bfloat16.
        if (past.type !== type && past.type !== 'float32') {
          throw new Error(`${OP}: input 'past_state' should be ${type} or float32, got ${past.type}`);
        }
      }
      ctx.checkAllocation('float64', batch * kvHeads * dk * dv + batch * steps * qHeads * dv);
      const state = past ? toNumbers(past) : new Float64Array(batch * kvHeads * dk * dv);
      const output = new Float64Array(batch * steps * qHeads * dv);
      const scale = attrs.scale === 0 ? 1 / Math.sqrt(dk) : attrs.scale;
      const group = qHeads / kvHeads;
      // What one token writes along k: v itself, or with the delta rule β(v - Sᵀk).
      const written = new Float64Array(dv);

      for (let b = 0; b < batch; b++) {
        for (let g = 0; g < kvHeads; g++) {
          const s = state.subarray((b * kvHeads + g) * dk * dv, (b * kvHeads + g + 1) * dk * dv);
          for (let t = 0; t < steps; t++) {
            const token = b * steps + t;
            const kAt = (token * kvHeads + g) * dk;
            const vAt = (token * kvHeads + g) * dv;
            if (decay) {
              // Per key row when decay has kv_heads·d_k values per token, else one factor per head.
              const perRow = decay.width === kvHeads * dk;
              for (let i = 0; i < dk; i++) {
                const factor = Math.exp(decay.data[token * decay.width + (perRow ? g * dk + i : g)]);
                for (let j = 0; j < dv; j++) s[i * dv + j] *= factor;
              }
            }
            if (beta) {
              const rate = beta.data[token * beta.width + (beta.width === 1 ? 0 : g)];
              written.fill(0);
              for (let i = 0; i < dk; i++) {
                for (let j = 0; j < dv; j++) written[j] += s[i * dv + j] * k.data[kAt + i];
              }
              for (let j = 0; j < dv; j++) written[j] = rate * (v.data[vAt + j] - written[j]);
            } else {
              written.set(v.data.subarray(vAt, vAt + dv));
            }
            for (let i = 0; i < dk; i++) {
              for (let j = 0; j < dv; j++) s[i * dv + j] += k.data[kAt + i] * written[j];
            }
            for (let h = g * group; h < (g + 1) * group; h++) {
              const qAt = (token * qHeads + h) * dk;
              const oAt = (token * qHeads + h) * dv;
              for (let i = 0; i < dk; i++) {
                const weight = scale * q.data[qAt + i];
                for (let j = 0; j < dv; j++) output[oAt + j] += weight * s[i * dv + j];
              }
            }
          }
        }
      }
      return [
        fromNumbers(type, output, [batch, steps, qHeads * dv]),
        fromNumbers(past ? past.type : type, state, stateDims),
      ];
    },
  }),
];
