import { attr, defineKernel, dtypeFromCode, type DType } from '@onnx-ts/core';
import { tensorInputs } from './common.js';
import { castTensor, parseRoundMode } from './cast-values.js';

/** TensorProto.DataType names, indexed by code: opsets 1-5 name the target type as a string. */
const TYPE_NAMES = [
  'UNDEFINED', 'FLOAT', 'UINT8', 'INT8', 'UINT16', 'INT16', 'INT32', 'INT64', 'STRING', 'BOOL', 'FLOAT16', 'DOUBLE',
  'UINT32', 'UINT64', 'COMPLEX64', 'COMPLEX128', 'BFLOAT16',
];

function typeFromName(name: string): DType {
  const code = TYPE_NAMES.indexOf(name.toUpperCase());
  if (code < 1) throw new Error(`Cast: 'to' names no known type: '${name}'`);
  return dtypeFromCode(code);
}

export default [
  defineKernel({
    op: 'Cast', since: 1, until: 5,
    attrs: { to: attr.string.required() },
    run: (inputs, { to }) => [
      castTensor('Cast', tensorInputs('Cast', inputs, 1)[0], typeFromName(to), { saturate: true, roundMode: 'up' }),
    ],
  }),
  // `saturate` arrived in opset 19 and `round_mode` in 24; their defaults are what earlier opsets did.
  defineKernel({
    op: 'Cast', since: 6,
    attrs: { to: attr.int.required(), saturate: attr.int(1), round_mode: attr.string('up') },
    run: (inputs, { to, saturate, round_mode: roundMode }) => [
      castTensor('Cast', tensorInputs('Cast', inputs, 1)[0], dtypeFromCode(to), {
        saturate: saturate !== 0,
        roundMode: parseRoundMode('Cast', roundMode),
      }),
    ],
  }),
];
