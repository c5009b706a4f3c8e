// Attention, FlexAttention, RotaryEmbedding, LinearAttention and CausalConvWithState against values worked out by
// hand from the spec's formulas.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, type AttrDecl, type Graph, type KernelContext, type Value } from '@onnx-ts/core';
import { kernels } from '../src/ops/recurrent/index.js';

const E = Math.E;
const f32 = (dims: number[], values: number[]) => new Tensor('float32', new Float32Array(values), dims);
const int64 = (dims: number[], values: number[]) => new Tensor('int64', new BigInt64Array(values.map(BigInt)), dims);

type GraphRunner = (graph: Graph, inputs: readonly Value[]) => Promise<Value[]>;

async function call(
  op: string, inputs: (Value | undefined)[], attrs: Record<string, unknown> = {}, opset = 27, runGraph?: GraphRunner,
): Promise<Tensor[]> {
  const spec = kernels.find((k) => k.op === op && k.since <= opset && (k.until === undefined || opset <= k.until))!;
  const defaults = Object.fromEntries(Object.entries(spec.attrs ?? {}).map(([name, decl]) => [name, (decl as AttrDecl).default]));
  const ctx = { opset, checkAllocation: () => {}, runGraph } as unknown as KernelContext;
  return (await spec.run(inputs, { ...defaults, ...attrs }, ctx)) as Tensor[];
}

async function rejects(attempt: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await attempt();
  } catch (e) {
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected an error matching ${pattern}`);
}

function near(got: Tensor, expected: number[], dims: number[]): void {
  assert.equal(got.dims, dims);
  const values = [...(got.data as Float32Array)];
  assert.ok(values.length === expected.length, `${values.length} values, expected ${expected.length}`);
  assert.ok(values.every((v, i) => Math.abs(v - expected[i]) <= 1e-6 + 1e-5 * Math.abs(expected[i])), `${values} vs ${expected}`);
}

// Q·K: scores [1, 0] over two keys with values 10 and 20.
const q1 = f32([1, 1, 1, 2], [1, 0]);
const k2 = f32([1, 1, 2, 2], [1, 0, 0, 1]);
const v2 = f32([1, 1, 2, 1], [10, 20]);
const p0 = E / (E + 1);

test('Attention: softmax(Q·Kᵀ·scale)·V, scale defaulting to 1/sqrt(head size)', async () => {
  const [y] = await call('Attention', [q1, k2, v2], { scale: 1 }, 23);
  near(y, [10 * p0 + 20 * (1 - p0)], [1, 1, 1, 1]);
  const [yDefault] = await call('Attention', [q1, k2, v2], {}, 23);
  const d = Math.exp(1 / Math.SQRT2);
  near(yDefault, [(10 * d + 20) / (d + 1)], [1, 1, 1, 1]);
});

test('Attention: a boolean mask keeps true, an additive mask adds', async () => {
  const [yBool] = await call('Attention', [q1, k2, v2, new Tensor('bool', new Uint8Array([1, 0]), [1, 2])], {}, 23);
  near(yBool, [10], [1, 1, 1, 1]);
  const [yAdd] = await call('Attention', [q1, k2, v2, f32([2], [0, -Infinity])], {}, 23);
  near(yAdd, [10], [1, 1, 1, 1]);
});

test('Attention: is_causal, alone and after a KV cache', async () => {
  const q = f32([1, 1, 2, 1], [1, 1]);
  const k = f32([1, 1, 2, 1], [0, 0]);
  const [y] = await call('Attention', [q, k, v2], { is_causal: 1 }, 23);
  near(y, [10, 15], [1, 1, 2, 1]);
  const [yPast, presentKey, presentValue] = await call('Attention',
    [q, k, v2, undefined, f32([1, 1, 1, 1], [0]), f32([1, 1, 1, 1], [30])], { is_causal: 1 }, 23);
  // Query i sits at position 1 + i: the first sees the cached key and the first new one.
  near(yPast, [20, 20], [1, 1, 2, 1]);
  near(presentKey, [0, 0, 0], [1, 1, 3, 1]);
  near(presentValue, [30, 10, 20], [1, 1, 3, 1]);
});

test('Attention: grouped-query heads share K/V, in 4-D and 3-D form alike', async () => {
  const expected = [1 / (E + 1), 1 / (1 + 1 / E)];
  const [y4] = await call('Attention', [f32([1, 2, 1, 1], [1, -1]), f32([1, 1, 2, 1], [1, 0]), f32([1, 1, 2, 1], [0, 1])], {}, 23);
  near(y4, expected, [1, 2, 1, 1]);
  const [y3] = await call('Attention', [f32([1, 1, 2], [1, -1]), f32([1, 2, 1], [1, 0]), f32([1, 2, 1], [0, 1])],
    { q_num_heads: 2, kv_num_heads: 1 }, 23);
  near(y3, expected, [1, 1, 2]);
});

test('Attention: softcap, then mask, and each stage of qk_matmul_output', async () => {
  const args = [f32([1, 1, 1, 1], [2]), f32([1, 1, 2, 1], [1, 0]), v2, f32([1, 2], [0.5, 0])];
  const capped = Math.tanh(2);
  const stages = [[2, 0], [capped, 0], [capped + 0.5, 0]];
  for (const mode of [0, 1, 2, 3]) {
    const [y, , , qk] = await call('Attention', args, { softcap: 1, qk_matmul_output_mode: mode }, 23);
    const p = Math.exp(capped + 0.5) / (Math.exp(capped + 0.5) + 1);
    near(qk, mode < 3 ? stages[mode] : [p, 1 - p], [1, 1, 1, 2]);
    near(y, [10 * p + 20 * (1 - p)], [1, 1, 1, 1]);
  }
});

test('Attention 24: a short mask pads with -inf, nonpad_kv_seqlen masks trailing keys', async () => {
  const [yShort] = await call('Attention', [q1, k2, v2, f32([1, 1], [0])], {}, 24);
  near(yShort, [10], [1, 1, 1, 1]);
  const [yPad] = await call('Attention', [q1, k2, v2, undefined, undefined, undefined, int64([1], [1])], {}, 24);
  near(yPad, [10], [1, 1, 1, 1]);
  // Opset 23 broadcasts the same one-column mask over every key instead.
  const [yBroadcast] = await call('Attention', [q1, k2, v2, f32([1, 1], [0])], {}, 23);
  const d = Math.exp(1 / Math.SQRT2);
  near(yBroadcast, [(10 * d + 20) / (d + 1)], [1, 1, 1, 1]);
  await rejects(() => call('Attention', [q1, k2, v2, f32([1, 3], [0, 0, 0])], {}, 24), /does not broadcast/);
});

test('Attention rejects inputs that do not fit together', async () => {
  await rejects(() => call('Attention', [f32([1, 1, 2], [1, 2]), k2, v2], {}, 23), /needs a head count/);
  await rejects(() => call('Attention', [f32([1, 3, 1, 2], [1, 0, 1, 0, 1, 0]), f32([1, 2, 2, 2], [0, 0, 0, 0, 0, 0, 0, 0]),
    f32([1, 2, 2, 1], [0, 0, 0, 0])], {}, 23), /multiple of the 2 key\/value heads/);
  await rejects(() => call('Attention', [q1, k2, v2, undefined, f32([1, 1, 1, 2], [0, 0])], {}, 23), /given together/);
});

test('FlexAttention: score_mod and prob_mod run on float32 scores of shape [B, H, L, S]', async () => {
  const q = f32([1, 1, 1, 1], [2]);
  const k = f32([1, 1, 2, 1], [1, 0]);
  const [plain] = await call('FlexAttention', [q, k, v2], {}, 1);
  const p = Math.exp(2) / (Math.exp(2) + 1);
  near(plain, [10 * p + 20 * (1 - p)], [1, 1, 1, 1]);

  const seen: string[] = [];
  const addToSecond: GraphRunner = async (_graph, [scores]) => {
    const t = scores as Tensor;
    seen.push(`${t.type} [${t.dims.join(', ')}]`);
    const data = (t.data as Float32Array).slice();
    data[1] += 2;
    return [new Tensor('float32', data, t.dims)];
  };
  const marker = {} as Graph;
  const [equal] = await call('FlexAttention', [q, k, v2], { score_mod: marker }, 1, addToSecond);
  near(equal, [15], [1, 1, 1, 1]);
  assert.equal(seen, ['float32 [1, 1, 1, 2]']);

  const halve: GraphRunner = async (_graph, [probs]) => {
    const t = probs as Tensor;
    return [new Tensor('float32', (t.data as Float32Array).map((x) => x / 2), t.dims)];
  };
  const [halved] = await call('FlexAttention', [q, k, v2], { prob_mod: marker }, 1, halve);
  near(halved, [(10 * p + 20 * (1 - p)) / 2], [1, 1, 1, 1]);

  const wrongShape: GraphRunner = async () => [f32([1], [0])];
  await rejects(() => call('FlexAttention', [q, k, v2], { score_mod: marker }, 1, wrongShape), /score_mod should return one float32/);
});

test('RotaryEmbedding: half-split and interleaved pairs, cos/sin picked by position_ids', async () => {
  const x = f32([1, 1, 1, 4], [1, 2, 3, 4]);
  const s = Math.sqrt(0.75);
  const cos = f32([2, 2], [1, 1, 0, 0.5]);
  const sin = f32([2, 2], [0, 0, 1, s]);
  const positions = int64([1, 1], [1]);
  const [halves] = await call('RotaryEmbedding', [x, cos, sin, positions], {}, 23);
  near(halves, [-3, 2 * 0.5 - 4 * s, 1, 4 * 0.5 + 2 * s], [1, 1, 1, 4]);
  const [pairs] = await call('RotaryEmbedding', [x, cos, sin, positions], { interleaved: 1 }, 23);
  near(pairs, [-2, 1, 3 * 0.5 - 4 * s, 4 * 0.5 + 3 * s], [1, 1, 1, 4]);
  await rejects(() => call('RotaryEmbedding', [x, cos, sin, int64([1, 1], [2])], {}, 23), /position id 2 is outside/);
});

test('RotaryEmbedding: partial rotary_embedding_dim, 3-D input, cos/sin without position_ids', async () => {
  const quarterTurn = [f32([1, 1, 1], [0]), f32([1, 1, 1], [1])];
  const [partial] = await call('RotaryEmbedding', [f32([1, 1, 1, 4], [1, 2, 3, 4]), ...quarterTurn], { rotary_embedding_dim: 2 }, 23);
  near(partial, [-2, 1, 3, 4], [1, 1, 1, 4]);
  const [packed] = await call('RotaryEmbedding', [f32([1, 1, 4], [1, 2, 3, 4]), ...quarterTurn], { num_heads: 2 }, 23);
  near(packed, [-2, 1, -4, 3], [1, 1, 4]);
  await rejects(() => call('RotaryEmbedding', [f32([1, 1, 1, 4], [1, 2, 3, 4]), ...quarterTurn],
    { rotary_embedding_dim: 3 }, 23), /should be even/);
});

test('LinearAttention: the four update rules over two tokens', async () => {
  const qkv = [f32([1, 2, 1], [1, 2]), f32([1, 2, 1], [0.5, 1]), f32([1, 2, 1], [2, 3])];
  const decay = f32([1, 2, 1], [Math.log(0.5), Math.log(0.5)]);
  const beta = f32([1, 2, 1], [0.5, 0.5]);
  const heads = { q_num_heads: 1, kv_num_heads: 1 };
  const cases: [string, (Value | undefined)[], number[], number][] = [
    ['linear', [], [1, 8], 4],
    ['gated', [undefined, decay], [1, 7], 3.5],
    ['delta', [undefined, undefined, beta], [0.5, 3.5], 1.75],
    ['gated_delta', [undefined, decay, beta], [0.5, 3.25], 1.625],
  ];
  for (const [rule, extra, out, state] of cases) {
    const [output, present] = await call('LinearAttention', [...qkv, ...extra], { ...heads, update_rule: rule });
    near(output, out, [1, 2, 1]);
    near(present, [state], [1, 1, 1, 1]);
  }
  await rejects(() => call('LinearAttention', qkv, { ...heads, update_rule: 'gated' }), /needs input 'decay'/);
});

test('LinearAttention: default scale 1/sqrt(d_k), grouped query heads, past_state', async () => {
  const [scaled] = await call('LinearAttention', [f32([1, 1, 2], [1, 1]), f32([1, 1, 2], [1, 0]), f32([1, 1, 1], [3])],
    { q_num_heads: 1, kv_num_heads: 1, update_rule: 'linear' });
  near(scaled, [3 / Math.SQRT2], [1, 1, 1]);
  const [grouped] = await call('LinearAttention', [f32([1, 1, 2], [1, 2]), f32([1, 1, 1], [1]), f32([1, 1, 1], [3])],
    { q_num_heads: 2, kv_num_heads: 1, update_rule: 'linear' });
  near(grouped, [3, 6], [1, 1, 2]);
  const [fromPast, present] = await call('LinearAttention',
    [f32([1, 1, 1], [1]), f32([1, 1, 1], [1]), f32([1, 1, 1], [1]), f32([1, 1, 1, 1], [10])],
    { q_num_heads: 1, kv_num_heads: 1, update_rule: 'linear' });
  near(fromPast, [11], [1, 1, 1]);
  near(present, [11], [1, 1, 1, 1]);
});

test('CausalConvWithState: left context from past_state or zeros, bias, SiLU, carried state', async () => {
  const x = f32([1, 1, 3], [1, 2, 3]);
  const w = f32([1, 1, 2], [0.5, 2]);
  const [y, state] = await call('CausalConvWithState', [x, w]);
  near(y, [2, 4.5, 7], [1, 1, 3]);
  near(state, [3], [1, 1, 1]);
  const [yPast] = await call('CausalConvWithState', [x, w, f32([1], [1]), f32([1, 1, 1], [4])]);
  near(yPast, [5, 5.5, 8], [1, 1, 3]);
  const [ySilu] = await call('CausalConvWithState', [x, w], { activation: 'silu' });
  near(ySilu, [2, 4.5, 7].map((v) => v / (1 + Math.exp(-v))), [1, 1, 3]);
  // A step shorter than the carried context keeps part of the old state.
  const [, shortState] = await call('CausalConvWithState', [f32([1, 1, 1], [7]), f32([1, 1, 3], [1, 1, 1]), undefined, f32([1, 1, 2], [5, 6])]);
  near(shortState, [6, 7], [1, 1, 2]);
  const [, noState] = await call('CausalConvWithState', [x, f32([1, 1, 1], [1])]);
  near(noState, [], [1, 1, 0]);
  await rejects(() => call('CausalConvWithState', [x, f32([2, 1, 2], [1, 1, 1, 1])]), /input 'weight' should have shape \[1, 1, 2\]/);
});

test.run();
