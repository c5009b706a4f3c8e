import type { KernelSpec } from '@onnx-ts/core';
import attention from './attention.js';
import causalConvWithState from './causal-conv-with-state.js';
import flexAttention from './flex-attention.js';
import gru from './gru.js';
import linearAttention from './linear-attention.js';
import lstm from './lstm.js';
import rnn from './rnn.js';
import rotaryEmbedding from './rotary-embedding.js';

export const kernels: KernelSpec<any>[] = [
  ...rnn, ...gru, ...lstm, ...attention, ...flexAttention, ...rotaryEmbedding, ...linearAttention, ...causalConvWithState,
];
