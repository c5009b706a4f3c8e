import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fuzzModels, mutate } from '../src/fuzz.js';
import { findDataRoot } from '../src/cases.js';

// CI runs a few thousand mutants; FUZZ_SEEDS=20000 runs a long campaign.
const SEEDS = Number(process.env.FUZZ_SEEDS ?? 3000);

const MODELS = [
  'node/test_abs', 'node/test_add_bcast', 'node/test_conv_with_strides_padding', 'node/test_maxpool_2d_pads',
  'node/test_gemm_default_matrix_bias', 'node/test_reshape_negative_dim', 'node/test_if', 'node/test_loop11',
  'node/test_scan9_sum', 'node/test_expand_dim_changed', 'node/test_gather_0', 'node/test_slice',
  'node/test_cast_FLOAT_to_STRING', 'node/test_lstm_defaults', 'node/test_resize_upsample_scales_linear',
  'node/test_sequence_insert_at_back', 'node/test_optional_get_element_sequence', 'simple/test_sequence_model1',
];

test('mutations are deterministic per seed', () => {
  const bytes = new Uint8Array(Array.from({ length: 64 }, (_, i) => i));
  for (let seed = 0; seed < 50; seed++) assert.equal(mutate(bytes, seed), mutate(bytes, seed));
  const kinds = new Set(Array.from({ length: 50 }, (_, s) => mutate(bytes, s).kind));
  assert.equal([...kinds].sort(), ['bitflip', 'stomp', 'truncate', 'varint']);
});

test(`${SEEDS} mutated models load and run without a crash, hang or non-Error throw`, async () => {
  const root = findDataRoot();
  const models = MODELS.map((m) => join(root, m, 'model.onnx')).filter((p) => existsSync(p));
  assert.ok(models.length >= 10, `only ${models.length} fuzz models found under ${root}`);
  const fromSource = import.meta.url.endsWith('.ts');
  const { findings, ran } = await fuzzModels({
    models,
    seeds: SEEDS,
    execArgv: fromSource ? ['--conditions=source', '--import', 'tsx'] : [],
  });
  assert.is(ran, SEEDS);
  assert.equal(findings, [], findings.map((f) => `${f.problem} at seed ${f.seed} (${resolve(f.model)}): ${f.detail}`).join('\n'));
});

test.run();
